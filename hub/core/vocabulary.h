// The closed vocabularies of the domain, each in ONE table of terms: the value that is sent,
// stored and compared, with its labels for people in zh-CN and English. The codec (validation),
// the route loader (a rule naming a value outside them can never match), the work policy
// (outcomes) and GET /v1/vocabulary (which the console reads instead of keeping its own copies)
// all read these tables. Adding a value is a compatible change; removing one is not. Immutable;
// any thread.
#pragma once

#include <string>
#include <vector>

namespace xj::vocabulary {

// A value and its labels (zh-CN, English).
struct Term {
  std::string value;
  std::string zh;
  std::string en;
};

inline std::vector<std::string> valuesOf(const std::vector<Term>& terms) {
  std::vector<std::string> out;
  out.reserve(terms.size());
  for (const auto& t : terms) out.push_back(t.value);
  return out;
}

// A ticket's body.category.
inline const std::vector<Term> kTicketCategoryTerms = {
    {"dibao", "最低生活保障", "dibao (minimum living guarantee)"},
    {"tekun", "特困供养", "tekun (destitute support)"},
    {"low_income", "低收入", "low income"},
    {"medical", "医疗救助", "medical aid"},
    {"education", "教育救助", "education aid"},
    {"housing", "住房救助", "housing aid"},
    {"employment", "就业救助", "employment aid"},
    {"temporary_aid", "临时救助", "temporary aid"},
    {"disability", "残疾人帮扶", "disability"},
    {"elderly_care", "养老服务", "elderly care"},
    {"child_welfare", "儿童福利", "child welfare"},
    {"disaster", "灾害救助", "disaster relief"},
    {"complaint", "投诉", "complaint"},
    {"inquiry", "政策咨询", "inquiry"},
    {"other", "其他", "other"},
};
inline const std::vector<std::string> kTicketCategories = valuesOf(kTicketCategoryTerms);

inline const std::vector<Term> kUrgencyTerms = {
    {"low", "一般(不急)", "low"},
    {"normal", "普通", "normal"},
    {"high", "紧急", "high"},
    {"critical", "特急(危及生命安全)", "critical"},
};
inline const std::vector<std::string> kUrgencies = valuesOf(kUrgencyTerms);

// A staff resolution's outcome (the work policy refuses any other).
inline const std::vector<Term> kOutcomeTerms = {
    {"eligible_dibao", "符合低保条件", "eligible: dibao"},
    {"eligible_tekun", "符合特困条件", "eligible: tekun"},
    {"eligible_dibao_edge", "符合低保边缘条件", "eligible: dibao edge"},
    {"eligible_rigid_expense", "符合刚性支出困难条件", "eligible: rigid expense"},
    {"referred_to_charity", "已转介社会组织", "referred to a charity"},
    {"temporary_aid_granted", "已给予临时救助", "temporary aid granted"},
    {"not_eligible", "不符合条件", "not eligible"},
    {"unreachable", "联系不上", "unreachable"},
    {"duplicate", "重复事项", "duplicate"},
    {"other", "其他", "other"},
};
inline const std::vector<std::string> kOutcomes = valuesOf(kOutcomeTerms);

// An item's states (hub/core/names.h holds the enum and its names; a unit test checks that this
// table names each exactly once), in the order of a case's life, the end last.
inline const std::vector<Term> kItemStateTerms = {
    {"new", "待认领", "new"},
    {"claimed", "已认领", "claimed"},
    {"in_progress", "办理中", "in progress"},
    {"waiting_on_other", "等待他方", "waiting on others"},
    {"escalated", "已上报", "escalated"},
    {"transferred", "已转交", "transferred"},
    {"resolved", "已办结", "resolved"},
};

// Why a partner declines a referral out, puts it on hold, and what came of it: the closed lists
// the partner pages offer. The events API keeps taking free text in `reason` and `outcome`
// (partners' own software sends text today), so these are offered, not enforced.
inline const std::vector<Term> kExchangeRejectReasonTerms = {
    {"capacity_full", "名额已满", "no capacity"},
    {"out_of_area", "不在服务区域", "outside our area"},
    {"service_not_offered", "不提供该项服务", "service not offered"},
    {"cannot_contact", "联系不上本人", "cannot contact the person"},
    {"person_declined", "本人拒绝", "the person declined"},
    {"other", "其他", "other"},
};
inline const std::vector<Term> kExchangeHoldReasonTerms = {
    {"waiting_for_person", "等待本人回复", "waiting for the person"},
    {"waiting_for_documents", "等待材料", "waiting for documents"},
    {"capacity_waitlist", "排队等候名额", "on the waiting list"},
    {"other", "其他", "other"},
};
inline const std::vector<Term> kExchangeOutcomeTerms = {
    {"service_delivered", "已提供服务", "service delivered"},
    {"partially_delivered", "部分提供", "partially delivered"},
    {"referred_onward", "已转介他处", "referred onward"},
    {"person_declined", "本人拒绝", "the person declined"},
    {"cannot_contact", "联系不上本人", "cannot contact the person"},
    {"other", "其他", "other"},
};

// What a person needs: an exchange's `need` and a partner's services (kPartnerServices, in its
// order), of which a charity's referral in names the kReferralNeeds below. The labels the pages
// show for both; the vocabulary unit test keeps the value lists and this table in step.
inline const std::vector<Term> kNeedTerms = {
    {"food", "食品", "food"},
    {"medical", "医疗", "medical"},
    {"education", "教育", "education"},
    {"elderly_care", "养老", "elderly care"},
    {"disability", "助残", "disability"},
    {"housing", "住房", "housing"},
    {"psychological", "心理疏导", "psychological support"},
    {"employment", "就业", "employment"},
    {"basic_living", "基本生活", "basic living"},
    {"temporary_aid", "临时救助", "temporary aid"},
    {"care", "照护", "care"},
    {"legal", "法律援助", "legal aid"},
    {"disability_support", "残疾人支持", "disability support"},
    {"other", "其他", "other"},
};

inline const std::vector<std::string> kCallerRelations = {
    "self", "family", "neighbour", "village_cadre", "social_worker", "other"};
inline const std::vector<std::string> kReferralNeeds = {
    "basic_living",  "medical", "education",     "housing", "employment",
    "temporary_aid", "care",    "psychological", "legal",   "disability_support",
    "other"};
// A notification's body.department: the sending agency's department.
inline const std::vector<Term> kDepartmentTerms = {
    {"agriculture", "农业农村局", "agriculture bureau"},
    {"medical_insurance", "医疗保障局", "medical insurance bureau"},
    {"education", "教育局", "education bureau"},
    {"disability_federation", "残疾人联合会", "disabled persons' federation"},
    {"housing", "住房和城乡建设局", "housing bureau"},
    {"human_resources", "人力资源和社会保障局", "human resources and social security bureau"},
    {"emergency_management", "应急管理局", "emergency management bureau"},
    {"health", "卫生健康局", "health bureau"},
    {"public_security", "公安局", "public security bureau"},
    {"civil_affairs", "民政局", "civil affairs bureau"},
    {"other", "其他部门", "other department"},
};
inline const std::vector<std::string> kDepartments = valuesOf(kDepartmentTerms);
// A notification's body.signal: what an agency saw that puts a family at risk.
inline const std::vector<Term> kSignalTerms = {
    {"large_medical_bill", "大额医疗支出", "large medical bill"},
    {"disability_certified", "新认定残疾", "disability certified"},
    {"unemployment", "失业", "unemployment"},
    {"disaster_loss", "灾害损失", "disaster loss"},
    {"monitoring_list_entry", "纳入防返贫监测", "entered the monitoring list"},
    {"school_dropout", "辍学", "school dropout"},
    {"death_of_breadwinner", "主要劳动力死亡", "death of the breadwinner"},
    {"housing_danger", "住房安全隐患", "housing in danger"},
    {"income_drop", "收入骤减", "sharp drop in income"},
    {"other", "其他", "other"},
};
inline const std::vector<std::string> kSignals = valuesOf(kSignalTerms);
// Pre-screen categories as routing sees them: the rules core's, plus "unknown" when the
// message describes no household.
inline const std::vector<Term> kPrescreenCategoryTerms = {
    {"tekun", "特困供养", "tekun (destitute support)"},
    {"dibao", "最低生活保障", "dibao (minimum living guarantee)"},
    {"dibao_edge", "低保边缘家庭", "dibao edge household"},
    {"rigid_expense", "刚性支出困难家庭", "rigid-expenditure hardship household"},
    {"none", "无救助类别", "no assistance category"},
    {"unknown", "信息不足", "not enough information"},
};
inline const std::vector<std::string> kPrescreenCategories = valuesOf(kPrescreenCategoryTerms);
inline const std::vector<std::string> kHouseholdTags = {"monitored", "monitoring_risk_eliminated",
                                                        "monitored_without_category",
                                                        "monitoring_referral_suggested"};

}  // namespace xj::vocabulary
