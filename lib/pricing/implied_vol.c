/* Implied volatility (Let's Be Rational); filled in by the implied-volatility work. */
#include "pricing/black.h"

typedef int hedge__implied_vol_unit;
