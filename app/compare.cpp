// `entrepot compare A B`: whether two result files hold the same bytes (output/compare.h).
#include "output/compare.h"

#include <cstdio>

#include "app/commands.h"

namespace entrepot {

int compare_command(const std::string& first, const std::string& second, const std::string& group) {
  const Comparison c = compare_files(first, second, group);
  for (const std::string& line : c.differences) std::printf("%s\n", line.c_str());
  const std::string where = group.empty() ? "/" : group;
  if (c.identical()) {
    std::printf("identical: %zu datasets under %s (%llu bytes of values) in %s and %s\n",
                c.datasets, where.c_str(), static_cast<unsigned long long>(c.bytes), first.c_str(),
                second.c_str());
    return 0;
  }
  std::printf("differ: %zu datasets under %s of %s and %s are missing or not the same bytes\n",
              c.differences.size(), where.c_str(), first.c_str(), second.c_str());
  return 1;
}

}  // namespace entrepot
