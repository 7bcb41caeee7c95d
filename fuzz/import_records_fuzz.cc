// libFuzzer: an import file as datasets::RecordReader reads it (the streamed importer behind
// `assay import` and POST …/items?format=): the first byte picks the format (JSONL or a JSON
// array, CSV with and without a column mapping, Label Studio tasks, prompt + N responses), the
// rest is the file, fed in chunks
// whose size the second byte picks, so a record split anywhere across reads is exercised. Every
// input must end as records or errors by line, never a crash, a hang or an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "datasets/records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static const datasets::Format kFormats[] = {datasets::Format::kJsonl, datasets::Format::kResponses,
                                              datasets::Format::kCsv, datasets::Format::kCsv,
                                              datasets::Format::kLabelStudio};
  const size_t pick = data[0] % (sizeof(kFormats) / sizeof(kFormats[0]));
  datasets::ReaderOptions options;
  options.format = kFormats[pick];
  if (pick == 3) {  // a mapping: a column into a nested path, one as JSON, one ignored
    auto mapping = datasets::CsvMapping::FromJson(
        R"({"question":"prompt","a":"responses.0.content","meta":"data.meta:json","skip":""})");
    if (mapping) options.mapping = *mapping;
  }
  auto reader = datasets::RecordReader::Make(options);
  if (!reader) return 0;
  const size_t chunk = 1 + data[1] % 64;
  const std::string_view file(reinterpret_cast<const char*>(data) + 2, size - 2);
  size_t records = 0;
  auto on = [&](datasets::Parsed p) { records += p.record.has_value(); };
  for (size_t at = 0; at < file.size(); at += chunk) {
    if (!(*reader)->Feed(file.substr(at, chunk), on)) return 0;
  }
  (void)(*reader)->Finish(on);
  return 0;
}
