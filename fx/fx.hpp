// Umbrella header of the fixed-point core.
#pragma once

#include "fx/affine.hpp"
#include "fx/cast.hpp"
#include "fx/decimal.hpp"
#include "fx/fx_type.hpp"
#include "fx/khot.hpp"
#include "fx/khot_codec.hpp"
#include "fx/lfsr.hpp"
#include "fx/stochastic.hpp"
#include "fx/type_parser.hpp"
#include "fx/width_rules.hpp"
