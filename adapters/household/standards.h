// The standards moved to config/standards.h (loading them is configuration, not a wire format).
// This forwarding header stays only for adapters/inbound, which is left untouched until the work
// service lands and the inbound service moves to routing/; include config/standards.h instead.
#pragma once

#include "config/standards.h"
