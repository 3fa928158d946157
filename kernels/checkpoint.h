// A Model's lasting state to and from the plain record of base/checkpoint.h. The record
// names what it holds, so the file format (output/checkpoint.h) needs no knowledge of the
// Model, and the Model's layout can change behind these two functions.
#pragma once

#include "base/checkpoint.h"
#include "kernels/model.h"

namespace entrepot {

// The state after the model's last step (model.stats.step): this rank's rows of every
// `lasting` agent field (agents/stores.h), and on every rank the accounts of governments and
// owners, the money at the start, the regional conditions the next step reads and the policy
// tables in force. Fills step, seed, layout and ranks; the caller adds what the kernels do
// not know (version, scenario text, result path).
EconomyCheckpoint capture(const Model& model);

// The arrays capture() makes, sized for this model's ranks, without values: the rows a rank
// reads from a file into, whatever number of ranks wrote it.
EconomyCheckpoint checkpoint_layout(const Model& model);

// layout_digest() of the arrays capture() makes, known without a model: a checkpoint of
// another digest is refused before any costly set-up.
std::string checkpoint_layout_digest();

// Puts `checkpoint` into `model`, built afresh from the same scenario and seed (policy at
// step 0) over any number of ranks: agent fields, accounts, regional conditions, the policy
// timeline replayed to the checkpoint's step (its start rates of phased tariffs) and checked
// against the saved tables, and the trade costs rebuilt. Collective over the model's ranks.
// Throws CheckpointError when the record does not fit (another layout, wrong sizes, tables
// that differ from the scenario's, money that does not add up).
void restore(Model& model, const EconomyCheckpoint& checkpoint);

}  // namespace entrepot
