// A dlopen()ed shared object, kept loaded for the life of the process: models made by its
// factories may outlive any registry lookup, and unloading Verilated code is never worth it.
#pragma once

#include <filesystem>
#include <string>

namespace fxsim::verilated {

class SharedLibrary {
 public:
  // RTLD_NOW: an unresolved symbol fails here, with the loader's message, not mid-simulation.
  // RTLD_LOCAL: the object's own symbols stay out of the global scope, so two variants never
  // interpose on each other. Throws std::runtime_error with dlerror().
  static SharedLibrary open(const std::filesystem::path& path);

  // The address of `name`; throws std::runtime_error when the object does not define it.
  void* symbol(const char* name) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  SharedLibrary(void* handle, std::filesystem::path path)
      : handle_(handle), path_(std::move(path)) {}
  void* handle_;
  std::filesystem::path path_;
};

}  // namespace fxsim::verilated
