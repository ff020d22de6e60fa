// String helpers the standard library lacks (joining is fmt::join's job).
#pragma once

#include <string_view>

namespace fxsim::util {

// `s` without ASCII white space (space, \t, \n, \v, \f, \r) at either end.
std::string_view trim(std::string_view s);

}  // namespace fxsim::util
