// Struct-of-arrays agent stores. Each field is declared once, in the lists below, and
// carries its own name (used for snapshots and checkpoints) and how long its value lives;
// a store hands kernels a View of raw pointers. Multi-slot fields (a firm's input slots, a
// consumer's retailers) are laid out slot-major: field[slot * size + agent], so a pass over one
// slot reads contiguously.
#pragma once

#include <thrust/device_vector.h>

#include <cstddef>
#include <cstdint>

#include "base/limits.h"

namespace entrepot {

// How long a field's value lives, which decides what a checkpoint saves:
//   lasting: carried from one step to the next (saved);
//   step:    recomputed within every step before it is read (not saved);
//   layout:  fixed by the agent's id and the world's layout (rebuilt at set-up, not saved).
// The restart tests (tests/checkpoint_test.cpp) overwrite every `step` field before
// stepping on from a checkpoint: a field marked `step` that is read first fails them.
enum class Keep : std::uint8_t { lasting, step, layout };

// (type, name, slots, keep): slots is 1, kInputSlots or kConsumerSlots.
#define ENTREPOT_FIRM_FIELDS(X)                                                                    \
  X(std::int32_t, block, 1, layout)                  /* region·S + sector */                      \
  X(float, productivity, 1, lasting)                 /* φ */                                      \
  X(std::int32_t, employees, 1, lasting)             /* L */                                       \
  X(std::int32_t, labour_demand, 1, step)            /* L* */                                      \
  X(std::int64_t, wage, 1, lasting)                  /* offered wage per worker per step, money */ \
  X(std::int64_t, wage_paid, 1, step)                /* paid per worker this step, money */        \
  X(double, price, 1, lasting)                       /* money per unit of goods */                 \
  X(double, expected_sales, 1, lasting)              /* Dᵉ, goods per step */                    \
  X(std::int64_t, inventory, 1, lasting)             /* I, goods */                                \
  X(std::int64_t, planned_output, 1, step)           /* Q*, goods */                               \
  X(std::int64_t, output, 1, step)                   /* Q this step, goods */                      \
  X(std::int64_t, cash, 1, lasting)                  /* money */                                   \
  X(std::int32_t, supplier, kInputSlots, lasting)    /* seller id per input slot, −1 none */     \
  X(std::int64_t, input_stock, kInputSlots, lasting) /* X_k, goods */                              \
  X(std::uint32_t, preferences, 1, step) /* a bit per bloc whose rule of origin its goods meet */  \
  X(std::uint8_t, in_zone, 1, step)      /* 1 inside its region's bonded zone */                   \
  X(float, zone_rate, 1, step) /* duty on imported content leaving the zone, per unit of price */  \
  X(std::int64_t, input_order, kInputSlots, step) /* ordered this step, goods at origin */         \
  X(std::int64_t, demand, 1, lasting)             /* round-1 orders + round-2 sales, goods */      \
  X(std::int64_t, shipped, 1, lasting)            /* shipped last step (< demand: rationed) */     \
  X(std::int64_t, sales_value, 1, step)           /* money received this step */                   \
  X(std::int64_t, export_value, 1, step)          /* of which from foreign buyers */               \
  X(std::int64_t, input_cost, 1, step)    /* money paid for inputs this step, duty incl. */        \
  X(double, input_unit_cost, 1, lasting)  /* Σ a_k · landed cost + carbon, money per unit */     \
  X(std::int64_t, tax, 1, step)           /* profit tax paid this step, money */                   \
  X(std::int64_t, dividend, 1, step)      /* to the region's owners this step, money */            \
  X(std::int64_t, loan, 1, lasting)       /* owed to the country's bank, money */                  \
  X(std::int64_t, borrowed, 1, step)      /* new credit drawn this step, money */                  \
  X(std::int64_t, interest, 1, step)      /* interest charged this step, money */                  \
  X(std::int64_t, written_off, 1, step)   /* loan left unpaid at exit this step, money */          \
  X(std::uint8_t, distress, 1, lasting)   /* consecutive insolvent steps */                        \
  X(std::uint8_t, exited, 1, step)        /* 1 if the firm left this step */                       \
  X(std::uint8_t, open, 1, lasting)       /* 1: a firm works the site; 0: free (relocation) */     \
  X(std::int64_t, allowances, 1, lasting) /* emission allowances held, micro-kg CO2 */             \
  X(float, abated, 1, step)               /* share of its emissions cut this step */               \
  X(std::int64_t, emitted, 1, step)       /* CO2 emitted this step, micro-kg (covered firms) */

#define ENTREPOT_CONSUMER_FIELDS(X)                                                    \
  X(std::uint16_t, region, 1, layout)                                                  \
  X(std::int32_t, employer, 1, lasting) /* firm id, −1 unemployed */                 \
  X(std::int64_t, cash, 1, lasting)     /* money */                                    \
  X(std::int64_t, income, 1, lasting)   /* received last step, money */                \
  X(std::int64_t, budget, 1, step)      /* to spend this step, money */                \
  X(std::uint8_t, spill, 1, lasting)    /* slots left short in round one (bit mask) */ \
  X(std::int32_t, retailer, kConsumerSlots, lasting) /* seller per consumed sector, −1 none */

// What retailers and traders (stockists) hold and record: they buy one sector's goods from
// producers through their supplier slots and sell them on at a markup.
#define ENTREPOT_STOCKIST_FIELDS(X)                                                            \
  X(double, price, 1, lasting)                     /* money per unit of goods */               \
  X(double, unit_cost, 1, lasting)                 /* landed cost of its stock, per unit */    \
  X(double, expected_sales, 1, lasting)            /* Dᵉ, goods per step */                  \
  X(std::int64_t, inventory, 1, lasting)           /* goods */                                 \
  X(std::int64_t, cash, 1, lasting)                /* money */                                 \
  X(std::int32_t, supplier, kRetailSlots, lasting) /* producer per supplier slot, −1 none */ \
  X(std::int64_t, order, kRetailSlots, step)       /* ordered this step, goods at origin */    \
  X(std::int64_t, demand, 1, lasting)              /* round-1 orders + round-2 sales, goods */ \
  X(std::int64_t, shipped, 1, lasting)             /* sold last step (< demand: rationed) */   \
  X(std::int64_t, sales_value, 1, step)            /* money received this step */              \
  X(std::int64_t, purchases, 1, step)              /* paid for goods this step, duty incl. */  \
  X(std::int64_t, cost_of_sales, 1, step)          /* what the goods sold cost it, money */    \
  X(std::int64_t, tax, 1, step)                    /* profit tax paid this step, money */      \
  X(std::int64_t, dividend, 1, step)               /* to the region's owners, money */         \
  X(std::int64_t, loan, 1, lasting)                /* owed to the country's bank, money */     \
  X(std::int64_t, borrowed, 1, step)               /* new credit drawn this step, money */     \
  X(std::int64_t, interest, 1, step)               /* interest charged this step, money */     \
  X(std::int64_t, written_off, 1, step)            /* loan left unpaid at exit, money */       \
  X(std::int64_t, granted, 1, step)                /* an entrant's capital from owners */      \
  X(std::uint8_t, distress, 1, lasting)            /* insolvent steps in a row */              \
  X(std::uint8_t, exited, 1, step)                 /* 1: exited this step, a new owner took over */

// A retailer of one market: it sells the sector of one household slot to the market's
// households and buys it from producers through its supplier slots.
#define ENTREPOT_RETAILER_FIELDS(X)                                               \
  X(std::uint16_t, region, 1, layout)                                             \
  X(std::uint8_t, slot, 1, layout) /* the household slot whose sector it sells */ \
  ENTREPOT_STOCKIST_FIELDS(X)

// A wholesale or entrepôt trader: it buys one goods sector from producers anywhere through
// its supplier slots and sells it to firms and retailers anywhere.
#define ENTREPOT_TRADER_FIELDS(X)                                                          \
  X(std::uint16_t, region, 1, layout)                                                      \
  X(std::uint8_t, sector, 1, layout)         /* the goods sector it trades */              \
  X(double, foreign_share, 1, lasting)       /* of its stock's cost, bought abroad */      \
  X(std::uint16_t, goods_origin, 1, lasting) /* region of its largest delivery */          \
  X(std::int64_t, largest_delivery, 1, step) /* paid for it this step, money */            \
  X(std::int64_t, export_value, 1, step)     /* of its sales, from buyers abroad */        \
  X(std::uint8_t, abroad, 1, lasting)        /* 1: foreign-invested, dividends abroad */   \
  X(std::uint8_t, offshore, 1, lasting)      /* 1: a merchant, its goods held at origin */ \
  X(std::int64_t, settlement_fee, 1, step)   /* to settle its sales abroad, money */       \
  ENTREPOT_STOCKIST_FIELDS(X)

#define ENTREPOT_DECLARE_FIELD(T, name, slots, keep) thrust::device_vector<T> name;
#define ENTREPOT_VIEW_FIELD(T, name, slots, keep) T* name;
#define ENTREPOT_CONST_VIEW_FIELD(T, name, slots, keep) const T* name;
#define ENTREPOT_RESIZE_FIELD(T, name, slots, keep) name.resize(n* static_cast<std::size_t>(slots));
#define ENTREPOT_BIND_FIELD(T, name, slots, keep) v.name = thrust::raw_pointer_cast(name.data());
#define ENTREPOT_FIELD_BYTES(T, name, slots, keep) \
  bytes += sizeof(T) * static_cast<std::size_t>(slots);

#define ENTREPOT_VISIT_FIELD(T, name, slots, keep) \
  visit(#name, name, static_cast<int>(slots), Keep::keep);

// each_field(visit) calls visit(name, device vector, slots, keep) for every field in order.
#define ENTREPOT_STORE(Store, FIELDS)      \
  struct Store {                           \
    std::size_t size = 0;                  \
    FIELDS(ENTREPOT_DECLARE_FIELD)         \
    struct View {                          \
      std::size_t size;                    \
      FIELDS(ENTREPOT_VIEW_FIELD)          \
    };                                     \
    struct ConstView {                     \
      std::size_t size;                    \
      FIELDS(ENTREPOT_CONST_VIEW_FIELD)    \
    };                                     \
    void resize(std::size_t n) {           \
      size = n;                            \
      FIELDS(ENTREPOT_RESIZE_FIELD)        \
    }                                      \
    View view() {                          \
      View v;                              \
      v.size = size;                       \
      FIELDS(ENTREPOT_BIND_FIELD)          \
      return v;                            \
    }                                      \
    ConstView view() const {               \
      ConstView v;                         \
      v.size = size;                       \
      FIELDS(ENTREPOT_BIND_FIELD)          \
      return v;                            \
    }                                      \
    static std::size_t bytes_per_agent() { \
      std::size_t bytes = 0;               \
      FIELDS(ENTREPOT_FIELD_BYTES)         \
      return bytes;                        \
    }                                      \
    template <class Visit>                 \
    void each_field(Visit&& visit) {       \
      FIELDS(ENTREPOT_VISIT_FIELD)         \
    }                                      \
    template <class Visit>                 \
    void each_field(Visit&& visit) const { \
      FIELDS(ENTREPOT_VISIT_FIELD)         \
    }                                      \
  };

ENTREPOT_STORE(FirmStore, ENTREPOT_FIRM_FIELDS)
ENTREPOT_STORE(ConsumerStore, ENTREPOT_CONSUMER_FIELDS)
ENTREPOT_STORE(RetailerStore, ENTREPOT_RETAILER_FIELDS)
ENTREPOT_STORE(TraderStore, ENTREPOT_TRADER_FIELDS)

}  // namespace entrepot
