// The published household schema (the OpenAPI component Household) names exactly the fields the
// parser accepts, object by object: a field added to one and not the other fails here.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <set>
#include <string>

#include "adapters/household/household_json.h"
#include "adapters/http/openapi_document.h"

namespace {

std::set<std::string> documented(const rapidjson::Document& doc, const std::string& pointer) {
  std::set<std::string> out;
  const rapidjson::Value* v = rapidjson::Pointer(pointer.c_str()).Get(doc);
  INFO(pointer);
  REQUIRE(v);
  REQUIRE(v->IsObject());
  for (auto& m : v->GetObject()) out.insert(m.name.GetString());
  return out;
}

std::set<std::string> accepted(std::initializer_list<const char*> objects) {
  std::set<std::string> out;
  for (const char* o : objects)
    for (const auto& f : xj::household::householdFields().at(o)) out.insert(f);
  return out;
}

}  // namespace

TEST_CASE("the OpenAPI Household component documents exactly the accepted fields",
          "[http][openapi][household_schema]") {
  rapidjson::Document doc;
  doc.Parse(xj::http::kOpenApiDocument.data(), xj::http::kOpenApiDocument.size());
  REQUIRE_FALSE(doc.HasParseError());
  const std::string h = "/components/schemas/Household/properties";
  const std::string m = h + "/members/items/properties";
  CHECK(documented(doc, h) == accepted({"household"}));
  CHECK(documented(doc, m) == accepted({"member"}));
  CHECK(documented(doc, m + "/school/properties") == accepted({"school"}));
  CHECK(documented(doc, m + "/disability/properties") == accepted({"disability"}));
  CHECK(documented(doc, m + "/income/properties/support_received/items/properties") ==
        accepted({"support_received"}));
  CHECK(documented(doc, m + "/obligors/items/properties") ==
        accepted({"obligor", "obligor_member"}));
  CHECK(documented(doc, m + "/obligors/items/properties/assets/properties") ==
        accepted({"obligor_assets"}));
  CHECK(documented(doc, m + "/assets_personal/properties") == accepted({"assets_personal"}));
  CHECK(documented(doc, m + "/fpm/properties") == accepted({"member_fpm"}));
  CHECK(documented(doc, h + "/assets/properties") == accepted({"assets"}));
  CHECK(documented(doc, h + "/assets/properties/vehicles/items/properties") ==
        accepted({"vehicle"}));
  CHECK(documented(doc, h + "/fpm/properties") == accepted({"fpm"}));
  CHECK(documented(doc, h + "/rigid_expenditure_12m/properties") ==
        accepted({"rigid_expenditure_12m"}));
  CHECK(documented(doc,
                   "/paths/~1v1~1eligibility~1evaluate/post/requestBody/content/"
                   "application~1json/schema/oneOf/1/properties") == accepted({"case_file"}));
  CHECK(xj::household::householdFields().size() == 15);  // every object is compared above
}
