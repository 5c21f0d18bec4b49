// Chrome trace JSON (chrome://tracing, ui.perfetto.dev) from node timings.
#include "ChromeTrace.h"
#include "TensorIO.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <set>

namespace {
std::string jsonString(const char *s) {
  std::string out = "\"";
  for (; *s; ++s) {
    unsigned char c = static_cast<unsigned char>(*s);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}
} // namespace

bool dlc::rt::writeChromeTrace(const std::string &path, const PlanView &plan,
                               const Executor &executor, const NodeTiming *timings,
                               std::string &error) {
  uint64_t origin = UINT64_MAX;
  std::set<unsigned> threads, deviceThreads;
  for (uint32_t i = 0; i < executor.numNodes(); ++i) {
    origin = std::min(origin, timings[i].startNs);
    threads.insert(timings[i].thread);
    if (plan.node(executor.firstNode() + i).device != 0)
      deviceThreads.insert(timings[i].thread);
  }
  std::string json = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  char buffer[160];
  for (unsigned thread : threads) {
    // A thread that ran GPU nodes launched them on its own stream (mixed
    // plans) or the model's (all-CUDA plans): its lane is that stream's too.
    std::string name = thread == 0 ? "caller" : "worker " + std::to_string(thread);
    if (deviceThreads.count(thread))
      name += " + its CUDA stream";
    std::snprintf(buffer, sizeof buffer,
                  "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":%u,\"args\":{\"name\":",
                  thread);
    json += buffer + jsonString(name.c_str()) + "}},\n";
  }
  for (uint32_t i = 0; i < executor.numNodes(); ++i) {
    const dlc_plan_node &node = plan.node(executor.firstNode() + i);
    const NodeTiming &t = timings[i];
    json += "{\"ph\":\"X\",\"name\":" + jsonString(plan.string(node.name)) +
            ",\"cat\":" + jsonString(plan.string(node.op));
    std::snprintf(buffer, sizeof buffer,
                  ",\"pid\":1,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f,\"args\":{\"node\":%" PRIu32
                  ",\"device\":%" PRIu32 "}}",
                  t.thread, double(t.startNs - origin) / 1e3, double(t.endNs - t.startNs) / 1e3,
                  executor.firstNode() + i, node.device);
    json += buffer;
    json += i + 1 < executor.numNodes() ? ",\n" : "\n";
  }
  json += "]}\n";
  return writeFile(path, std::vector<uint8_t>(json.begin(), json.end()), error);
}
