// The hand-built binary / ternary test nets now live in testbenches/common/ (the verify tests of
// testbenches/env/tests use them too, and may not include testbenches/golden/).
#pragma once

#include "testbenches/common/bipolar_test_nets.hpp"
