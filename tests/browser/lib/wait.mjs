// Waiting for a condition with a deadline instead of sleeping a fixed time.

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `probe` (sync or async) every `every` ms until it returns a truthy value, which is
// returned; throws `what` with the last value seen (or error) once `timeout` ms have passed.
export async function waitFor(what, probe, { timeout = 10000, every = 50 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${seen})`);
    }
    await sleep(every);
  }
}
