// Published values and reference-implementation outputs from /work/shared/data/qc-vectors.
// Published numbers are checked within the tolerance each file states; reference outputs of the
// same algorithm within 1e-6 (see README.md for deliberate differences).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "qc/aggregation.h"
#include "qc/agreement.h"

namespace qc {
namespace {

using nlohmann::json;
constexpr double kRefTol = 1e-6;

json LoadVector(const std::string& name) {
  std::ifstream in(std::string(ASSAY_SHARED_DATA_DIR) + "/qc-vectors/" + name);
  EXPECT_TRUE(in.good()) << "missing vector " << name;
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

// reliability_data[coder][unit] with nulls → AlphaInput (values by sorted distinct value).
AlphaInput AlphaFromReliability(const json& data) {
  std::vector<double> domain;
  for (const json& coder : data)
    for (const json& v : coder)
      if (!v.is_null()) domain.push_back(v.get<double>());
  std::sort(domain.begin(), domain.end());
  domain.erase(std::unique(domain.begin(), domain.end()), domain.end());
  AlphaInput in;
  in.value_of = domain;
  in.begin.push_back(0);
  for (size_t unit = 0; unit < data[0].size(); ++unit) {
    for (const json& coder : data) {
      if (coder[unit].is_null()) continue;
      const double v = coder[unit].get<double>();
      in.value.push_back(static_cast<int32_t>(std::lower_bound(domain.begin(), domain.end(), v) - domain.begin()));
    }
    in.begin.push_back(static_cast<int64_t>(in.value.size()));
  }
  return in;
}

// counts[item][category] → AlphaInput with category c valued c.
AlphaInput AlphaFromCounts(const json& counts) {
  AlphaInput in;
  for (size_t c = 0; c < counts[0].size(); ++c) in.value_of.push_back(static_cast<double>(c));
  in.begin.push_back(0);
  for (const json& item : counts) {
    for (size_t c = 0; c < item.size(); ++c)
      for (int i = 0; i < item[c].get<int>(); ++i) in.value.push_back(static_cast<int32_t>(c));
    in.begin.push_back(static_cast<int64_t>(in.value.size()));
  }
  return in;
}

std::vector<int32_t> FlatCounts(const json& counts) {
  std::vector<int32_t> flat;
  for (const json& item : counts)
    for (const json& c : item) flat.push_back(c.get<int32_t>());
  return flat;
}

const std::map<std::string, Level> kLevels = {{"nominal", Level::kNominal},
                                              {"ordinal", Level::kOrdinal},
                                              {"interval", Level::kInterval},
                                              {"ratio", Level::kRatio}};

TEST(KrippendorffVectors, Krippendorff2011PublishedAndFastKrippendorff) {
  const json v = LoadVector("krippendorff_2011_4coders_12units.json");
  const AlphaInput in = AlphaFromReliability(v["input"]["reliability_data"]);
  const double tol = v["expected_published"]["tolerance"];
  for (const auto& [name, level] : kLevels) {
    const double alpha = KrippendorffAlpha(in, level);
    EXPECT_NEAR(alpha, v["expected_published"]["alpha"][name].get<double>(), tol) << name;
    EXPECT_NEAR(alpha, v["reference_outputs"]["fast_krippendorff"][name].get<double>(), kRefTol)
        << name;
  }
}

TEST(KrippendorffVectors, WikipediaExampleWithMissingValues) {
  const json v = LoadVector("krippendorff_wikipedia_3coders_15units.json");
  const AlphaInput in = AlphaFromReliability(v["input"]["reliability_data"]);
  const double tol = v["expected_published"]["tolerance"];
  for (const auto& [name, level] : kLevels) {
    const double alpha = KrippendorffAlpha(in, level);
    if (v["expected_published"]["alpha"].contains(name)) {
      EXPECT_NEAR(alpha, v["expected_published"]["alpha"][name].get<double>(), tol) << name;
    }
    EXPECT_NEAR(alpha, v["reference_outputs"]["fast_krippendorff"][name].get<double>(), kRefTol)
        << name;
  }
}

TEST(CohenVectors, IrrAnxietyAllWeightings) {
  const json v = LoadVector("cohen_irr_anxiety.json");
  const auto a = v["input"]["rater1"].get<std::vector<int32_t>>();
  const auto b = v["input"]["rater2"].get<std::vector<int32_t>>();
  const json& pub = v["expected_published"];
  const json& ref = v["reference_outputs"]["sklearn_cohen_kappa_score"];
  const double tol = pub["tolerance"];
  // Values 1..6 are category ids 1..6 of 7; unused ones drop out by rank.
  EXPECT_NEAR(CohenKappa(a, b, 7, KappaWeights::kNone), pub["kappa_unweighted"].get<double>(), tol);
  EXPECT_NEAR(CohenKappa(a, b, 7, KappaWeights::kLinear), pub["kappa_linear"].get<double>(), tol);
  EXPECT_NEAR(CohenKappa(a, b, 7, KappaWeights::kQuadratic), pub["kappa_quadratic"].get<double>(), tol);
  EXPECT_NEAR(CohenKappa(a, b, 7, KappaWeights::kNone), ref["unweighted"].get<double>(), kRefTol);
  EXPECT_NEAR(CohenKappa(a, b, 7, KappaWeights::kLinear), ref["linear"].get<double>(), kRefTol);
  EXPECT_NEAR(CohenKappa(a, b, 7, KappaWeights::kQuadratic), ref["quadratic"].get<double>(), kRefTol);
}

TEST(CohenVectors, SasTableKappaAndStandardError) {
  const json v = LoadVector("cohen_sas_3x3.json");
  std::vector<int32_t> a, b;
  for (const json& p : v["input"]["pairs"]) {
    a.push_back(p[0]);
    b.push_back(p[1]);
  }
  const json& pub = v["expected_published"];
  const json& sm = v["reference_outputs"]["statsmodels"];
  const double tol = pub["tolerance"];
  const CohenResult plain = CohenKappaWithError(a, b, 3, KappaWeights::kNone);
  const CohenResult linear = CohenKappaWithError(a, b, 3, KappaWeights::kLinear);
  EXPECT_NEAR(plain.kappa, pub["kappa_unweighted"].get<double>(), tol);
  EXPECT_NEAR(plain.standard_error, pub["ase_unweighted"].get<double>(), tol);
  EXPECT_NEAR(linear.kappa, pub["kappa_linear"].get<double>(), tol);
  EXPECT_NEAR(linear.standard_error, pub["ase_linear"].get<double>(), tol);
  EXPECT_NEAR(plain.kappa, sm["kappa"].get<double>(), kRefTol);
  EXPECT_NEAR(plain.standard_error, sm["std_kappa"].get<double>(), kRefTol);
  EXPECT_NEAR(linear.kappa, sm["kappa_linear"].get<double>(), kRefTol);
  EXPECT_NEAR(linear.standard_error, sm["std_kappa_linear"].get<double>(), kRefTol);
  EXPECT_NEAR(CohenKappa(a, b, 3, KappaWeights::kQuadratic),
              v["reference_outputs"]["sklearn"]["quadratic"].get<double>(), kRefTol);
}

TEST(FleissVectors, WikipediaWorkedExample) {
  const json v = LoadVector("fleiss_wikipedia_10subjects_14raters.json");
  const std::vector<int32_t> counts = FlatCounts(v["input"]["counts"]);
  const FleissResult f = FleissKappa(counts, 5);
  const json& pub = v["expected_published"];
  const json& ref = v["reference_outputs"];
  const double tol = pub["tolerance"];
  EXPECT_NEAR(f.kappa, pub["kappa"].get<double>(), tol);
  EXPECT_NEAR(f.p_bar, pub["P_bar"].get<double>(), tol);
  EXPECT_NEAR(f.pe_bar, pub["Pe_bar"].get<double>(), tol);
  for (size_t i = 0; i < f.p_item.size(); ++i) {
    EXPECT_NEAR(f.p_item[i], pub["P_i"][i].get<double>(), tol);
    EXPECT_NEAR(f.p_item[i], ref["P_i"][i].get<double>(), kRefTol);
  }
  for (size_t c = 0; c < 5; ++c) EXPECT_NEAR(f.p_category[c], ref["p_j"][c].get<double>(), kRefTol);
  EXPECT_NEAR(f.kappa, ref["statsmodels_fleiss_kappa"].get<double>(), kRefTol);
  EXPECT_NEAR(KrippendorffAlpha(AlphaFromCounts(v["input"]["counts"]), Level::kNominal),
              ref["krippendorff_alpha_nominal_from_counts"].get<double>(), kRefTol);
}

TEST(FleissVectors, Fleiss1971Diagnoses) {
  const json v = LoadVector("fleiss_1971_diagnoses_30x6.json");
  const FleissResult f = FleissKappa(FlatCounts(v["input"]["counts"]), 5);
  EXPECT_NEAR(f.kappa, v["expected_published"]["kappa"].get<double>(),
              v["expected_published"]["tolerance"].get<double>());
  EXPECT_NEAR(f.kappa, v["reference_outputs"]["statsmodels_fleiss_kappa"].get<double>(), kRefTol);
  for (size_t c = 0; c < 5; ++c) {
    EXPECT_NEAR(f.category_kappa[c],
                v["reference_outputs"]["category_kappa"][std::to_string(c + 1)].get<double>(), kRefTol);
  }
  EXPECT_NEAR(KrippendorffAlpha(AlphaFromCounts(v["input"]["counts"]), Level::kNominal),
              v["reference_outputs"]["krippendorff_alpha_nominal_from_counts"].get<double>(),
              kRefTol);
}

// --- Dawid & Skene (1979) anaesthetists: all aggregation methods ---

class AnaesthetistsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v_ = LoadVector("dawid_skene_1979_anaesthetists.json");
    LabelTableBuilder b;
    for (const json& row : v_["input"]["rows"]) {
      b.Add(row[0].get<std::string>(), row[1].get<std::string>(), std::to_string(row[2].get<int>()));
    }
    table_ = std::move(b).Build();
    crowd_kit_ = v_["reference_outputs"]["crowd_kit_1.4.1"];
  }
  // Aggregated labels as the vector's integers.
  std::vector<int> Labels(const AggregationResult& r) const {
    std::vector<int> out;
    for (int32_t l : r.label) out.push_back(std::stoi(std::string(table_.label_names[l])));
    return out;
  }
  int Worker(const std::string& name) const {
    return static_cast<int>(std::find(table_.worker_names.begin(), table_.worker_names.end(), name) -
                            table_.worker_names.begin());
  }
  void ExpectSkills(const AggregationResult& r, const json& skills, double tol) const {
    for (const auto& [name, value] : skills.items()) {
      EXPECT_NEAR(r.worker_skill[Worker(name)], value.get<double>(), tol) << name;
    }
  }

  json v_, crowd_kit_;
  LabelTable table_;
};

TEST_F(AnaesthetistsTest, TableShape) {
  EXPECT_EQ(table_.num_rows(), v_["input"]["n_rows"].get<int64_t>());
  EXPECT_EQ(table_.num_tasks(), 45);
  EXPECT_EQ(table_.num_workers(), 5);
  EXPECT_EQ(table_.num_labels(), 4);
}

TEST_F(AnaesthetistsTest, MajorityVoteMatchesCrowdKit) {
  const AggregationResult r = MajorityVote(table_);
  EXPECT_EQ(Labels(r), crowd_kit_["MajorityVote"]["labels"].get<std::vector<int>>());
  ExpectSkills(r, crowd_kit_["MajorityVote"]["skills"], kRefTol);
}

TEST_F(AnaesthetistsTest, WawaMatchesCrowdKit) {
  const AggregationResult r = Wawa(table_);
  EXPECT_EQ(Labels(r), crowd_kit_["Wawa"]["labels"].get<std::vector<int>>());
  ExpectSkills(r, crowd_kit_["Wawa"]["skills"], kRefTol);
}

TEST_F(AnaesthetistsTest, DawidSkeneMatchesCrowdKitDefaults) {
  const json& ref = crowd_kit_["DawidSkene(n_iter=100,tol=1e-5)"];
  const AggregationResult r = DawidSkene(table_, {.max_iterations = 100, .tolerance = 1e-5});
  EXPECT_EQ(r.iterations, ref["n_iter_run"].get<int>());
  EXPECT_EQ(Labels(r), ref["labels"].get<std::vector<int>>());
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(r.prior[k], ref["priors"][std::to_string(k + 1)].get<double>(), kRefTol);
  }
  for (size_t t = 0; t < 45; ++t) {
    for (size_t k = 0; k < 4; ++k) {
      EXPECT_NEAR(r.posterior[t * 4 + k], ref["probas"][t][k].get<double>(), kRefTol);
    }
  }
  // crowd-kit's errors_ as a dict nests column (true label) then (worker, observed).
  for (const auto& [worker, by_true] : ref["errors[worker][observed][true]"].items()) {
    for (const auto& [truth, by_observed] : by_true.items()) {
      for (const auto& [observed, value] : by_observed.items()) {
        const size_t w = Worker(worker), t = std::stoi(truth) - 1, o = std::stoi(observed) - 1;
        EXPECT_NEAR(r.confusion[(w * 4 + t) * 4 + o], value.get<double>(), kRefTol);
      }
    }
  }
}

TEST_F(AnaesthetistsTest, DawidSkeneTightToleranceStopsLikeCrowdKit) {
  const json& ref = crowd_kit_["DawidSkene(n_iter=10000,tol=1e-12)"];
  const AggregationResult r = DawidSkene(table_, {.max_iterations = 10000, .tolerance = 1e-12});
  EXPECT_EQ(r.iterations, ref["n_iter_run"].get<int>());
  EXPECT_EQ(Labels(r), ref["labels"].get<std::vector<int>>());
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(r.prior[k], ref["priors"][std::to_string(k + 1)].get<double>(), kRefTol);
  }
}

TEST_F(AnaesthetistsTest, ClassicEmMatchesPaperAlgorithm) {
  const json& ref = v_["reference_outputs"]["classic_em_own_code"];
  const AggregationResult r =
      DawidSkene(table_, {.max_iterations = 1000,
                          .tolerance = 1e-10,
                          .stop_rule = StopRule::kMaxParamDelta,
                          .probability_floor = 0});
  EXPECT_TRUE(r.converged);
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(r.prior[k], ref["class_marginals"][k].get<double>(), kRefTol);
  for (size_t w = 0; w < 5; ++w) {
    for (size_t t = 0; t < 4; ++t) {
      for (size_t o = 0; o < 4; ++o) {
        EXPECT_NEAR(r.confusion[(w * 4 + t) * 4 + o], ref["error_rates"][w][t][o].get<double>(), kRefTol)
            << w << " " << t << " " << o;
      }
    }
  }
  for (size_t t = 0; t < 45; ++t) {
    for (size_t k = 0; k < 4; ++k) {
      EXPECT_NEAR(r.posterior[t * 4 + k], ref["posterior"][t][k].get<double>(), kRefTol);
    }
  }
  EXPECT_EQ(Labels(r), ref["map_class"].get<std::vector<int>>());
  EXPECT_NEAR(r.log_likelihood, ref["final_log_likelihood"].get<double>(), 1e-6);
}

TEST_F(AnaesthetistsTest, OneCoinDawidSkeneMatchesCrowdKit) {
  const AggregationResult r = OneCoinDawidSkene(table_, {});
  EXPECT_EQ(Labels(r), crowd_kit_["OneCoinDawidSkene"]["labels"].get<std::vector<int>>());
  ExpectSkills(r, crowd_kit_["OneCoinDawidSkene"]["skills"], kRefTol);
}

// GLAD and MACE use a different optimiser / start than crowd-kit (README.md), so parameter
// values are close, not equal. GLAD: same labels, alphas within 0.01 (measured max 0.003).
TEST_F(AnaesthetistsTest, GladAgreesWithCrowdKit) {
  const AggregationResult r = Glad(table_, {});
  EXPECT_EQ(Labels(r), crowd_kit_["GLAD"]["labels"].get<std::vector<int>>());
  ExpectSkills(r, crowd_kit_["GLAD"]["alphas"], 0.01);
}

// MACE: crowd-kit runs variational Bayes from 10 random restarts; our deterministic EM agrees
// on 43 of 45 patients. The two others: p12 is a near-tie (0.52 class 3 vs 0.44 class 2), and on
// p36 we pick class 4, as Dawid–Skene does, where crowd-kit's MACE picks 3.
TEST_F(AnaesthetistsTest, MaceAgreesWithCrowdKitLabels) {
  const AggregationResult r = Mace(table_, {});
  const std::vector<int> ours = Labels(r), ref = crowd_kit_["MACE"]["labels"].get<std::vector<int>>();
  int same = 0;
  for (size_t t = 0; t < ours.size(); ++t) same += ours[t] == ref[t];
  EXPECT_GE(same, 43) << "of 45";
}

TEST_F(AnaesthetistsTest, KrippendorffOnSingleRatings) {
  const json& ref = v_["agreement_single_rating"];
  const AlphaInput in = AlphaFromReliability(
      ref["reliability_data (observer 1 first rating + observers 2-5)"]);
  for (const auto& [name, level] : kLevels) {
    EXPECT_NEAR(KrippendorffAlpha(in, level), ref[name].get<double>(), kRefTol) << name;
  }
}

}  // namespace
}  // namespace qc
