// The entity tables the kernels read (kernels/entities.h), rebuilt when a ban or a list changes.
#include "kernels/entities.h"

#include <algorithm>
#include <map>
#include <vector>

namespace entrepot {

void build_entity_tables(const World& world, Tables& tables) {
  const Scenario& sc = world.scenario();
  const int ns = world.sectors();
  const std::size_t blocks = static_cast<std::size_t>(world.regions()) * ns;
  tables.entity_lists = static_cast<int>(sc.entity_lists.size());
  std::vector<double> share(blocks * sc.entity_lists.size(), 0.0);
  std::map<std::int64_t, std::uint8_t> named;
  for (std::size_t l = 0; l < sc.entity_lists.size(); ++l) {
    const EntityList& list = sc.entity_lists[l];
    for (int r : list.regions) {
      for (int s : list.sectors) {
        share[l * blocks + static_cast<std::size_t>(r) * ns + s] = world.entity_share[l];
      }
    }
    for (std::int64_t id : list.firms) named[id] |= static_cast<std::uint8_t>(1u << l);
  }
  std::vector<std::int64_t> ids;
  std::vector<std::uint8_t> id_lists;
  for (const auto& [id, lists] : named) {
    ids.push_back(id);
    id_lists.push_back(lists);
  }
  tables.any_entity_ban = std::any_of(world.entity_ban.begin(), world.entity_ban.end(),
                                      [](std::uint8_t b) { return b != 0; });
  tables.entity_share = share;
  tables.entity_id = ids;
  tables.entity_id_lists = id_lists;
  tables.entity_ban = world.entity_ban;
}

}  // namespace entrepot
