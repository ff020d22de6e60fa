#include "tlm/rtl/verilated/shared_library.hpp"

#include <dlfcn.h>

#include <stdexcept>

namespace fxsim::verilated {

SharedLibrary SharedLibrary::open(const std::filesystem::path& path) {
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    throw std::runtime_error("cannot load " + path.string() + ": " + (why ? why : "dlopen failed"));
  }
  return SharedLibrary(handle, path);
}

void* SharedLibrary::symbol(const char* name) const {
  ::dlerror();
  void* p = ::dlsym(handle_, name);
  if (p == nullptr) {
    throw std::runtime_error(path_.string() + " does not define " + name);
  }
  return p;
}

}  // namespace fxsim::verilated
