// Struct-of-arrays agent stores. Each field is declared once, in the lists below, and
// carries its own name (used for snapshots); a store hands kernels a View of raw
// pointers. Multi-slot fields (a firm's input slots, a consumer's retailers) are laid out
// slot-major: field[slot * size + agent], so a pass over one slot reads contiguously.
#pragma once

#include <thrust/device_vector.h>

#include <cstddef>
#include <cstdint>

#include "base/limits.h"

namespace entrepot {

// (type, name, slots): slots is 1 or kInputSlots.
#define ENTREPOT_FIRM_FIELDS(X)                                                               \
  X(std::int32_t, block, 1)                 /* region·S + sector */                          \
  X(float, productivity, 1)                 /* φ */                                          \
  X(std::int32_t, employees, 1)             /* L */                                           \
  X(std::int32_t, labour_demand, 1)         /* L* */                                          \
  X(std::int64_t, wage, 1)                  /* offered wage per worker per step, money */     \
  X(std::int64_t, wage_paid, 1)             /* paid per worker this step, money */            \
  X(double, price, 1)                       /* money per unit of goods */                     \
  X(double, expected_sales, 1)              /* Dᵉ, goods per step */                        \
  X(std::int64_t, inventory, 1)             /* I, goods */                                    \
  X(std::int64_t, planned_output, 1)        /* Q*, goods */                                   \
  X(std::int64_t, output, 1)                /* Q this step, goods */                          \
  X(std::int64_t, cash, 1)                  /* money */                                       \
  X(std::int32_t, supplier, kInputSlots)    /* seller id per input slot, −1 none */         \
  X(std::int64_t, input_stock, kInputSlots) /* X_k, goods */                                  \
  X(std::int64_t, input_order, kInputSlots) /* ordered this step, goods at origin */          \
  X(std::int64_t, demand, 1)                /* ordered from this firm this step, goods */     \
  X(std::int64_t, shipped, 1)               /* goods shipped this step */                     \
  X(std::int64_t, sales_value, 1)           /* money received this step */                    \
  X(std::int64_t, export_value, 1)          /* of which from foreign buyers */                \
  X(std::int64_t, input_cost, 1)            /* money paid for inputs this step, duty incl. */ \
  X(double, input_unit_cost, 1)             /* Σ a_k · landed cost, money per unit */       \
  X(std::int64_t, tax, 1)                   /* profit tax paid this step, money */            \
  X(std::int64_t, dividend, 1)              /* to the region's owners this step, money */     \
  X(std::uint8_t, distress, 1)              /* consecutive insolvent steps */                 \
  X(std::uint8_t, exited, 1)                /* 1 if the firm left this step */

#define ENTREPOT_CONSUMER_FIELDS(X)                                                        \
  X(std::uint16_t, region, 1)                                                              \
  X(std::int32_t, employer, 1)              /* firm id, −1 unemployed */                 \
  X(std::int64_t, cash, 1)                  /* money */                                    \
  X(std::int64_t, income, 1)                /* received last step, money */                \
  X(std::int64_t, budget, 1)                /* to spend this step, money */                \
  X(std::uint8_t, spill, 1)                 /* slots left short in round one (bit mask) */ \
  X(std::int32_t, retailer, kConsumerSlots) /* seller per consumed sector, −1 none */

#define ENTREPOT_DECLARE_FIELD(T, name, slots) thrust::device_vector<T> name;
#define ENTREPOT_VIEW_FIELD(T, name, slots) T* name;
#define ENTREPOT_RESIZE_FIELD(T, name, slots) name.resize(n* static_cast<std::size_t>(slots));
#define ENTREPOT_BIND_FIELD(T, name, slots) v.name = thrust::raw_pointer_cast(name.data());
#define ENTREPOT_FIELD_BYTES(T, name, slots) bytes += sizeof(T) * static_cast<std::size_t>(slots);

#define ENTREPOT_STORE(Store, FIELDS)      \
  struct Store {                           \
    std::size_t size = 0;                  \
    FIELDS(ENTREPOT_DECLARE_FIELD)         \
    struct View {                          \
      std::size_t size;                    \
      FIELDS(ENTREPOT_VIEW_FIELD)          \
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
    static std::size_t bytes_per_agent() { \
      std::size_t bytes = 0;               \
      FIELDS(ENTREPOT_FIELD_BYTES)         \
      return bytes;                        \
    }                                      \
  };

ENTREPOT_STORE(FirmStore, ENTREPOT_FIRM_FIELDS)
ENTREPOT_STORE(ConsumerStore, ENTREPOT_CONSUMER_FIELDS)

}  // namespace entrepot
