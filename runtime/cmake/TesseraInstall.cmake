# Install rules and the exported CMake package, so that a host program can
# write find_package(Tessera) and link Tessera::rt (static) or
# Tessera::rt_shared. Included from runtime/CMakeLists.txt in both the
# standalone and the full-tree build; the `tessera` CLI installs itself
# (tools/tessera), since the full tree defines it later than this file runs.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TESSERA_RT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Tessera)

# Installed headers live in <prefix>/include/tessera, as in the source tree.
foreach(target tessera_format tessera_rt tessera_rt_shared)
  target_include_directories(${target}
    PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endforeach()

# The names a host sees; the aliases let a host that adds this directory
# with add_subdirectory() use the same names as one that installs it.
set_target_properties(tessera_format PROPERTIES EXPORT_NAME format)
set_target_properties(tessera_rt PROPERTIES EXPORT_NAME rt)
set_target_properties(tessera_rt_shared PROPERTIES EXPORT_NAME rt_shared)
add_library(Tessera::format ALIAS tessera_format)
add_library(Tessera::rt ALIAS tessera_rt)
add_library(Tessera::rt_shared ALIAS tessera_rt_shared)

# tessera_format travels along: the static runtime needs it at link time.
install(TARGETS tessera_format tessera_rt tessera_rt_shared
  EXPORT TesseraTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Everything under include/ is the public interface (the C ABI, the C++
# header over it, the .npy and metadata helpers), so all of it installs.
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")

install(EXPORT TesseraTargets
  NAMESPACE Tessera::
  DESTINATION ${TESSERA_RT_CMAKE_DIR})
configure_package_config_file(
  ${CMAKE_CURRENT_SOURCE_DIR}/cmake/TesseraConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/TesseraConfig.cmake
  INSTALL_DESTINATION ${TESSERA_RT_CMAKE_DIR})
# Before 1.0 a minor release may break the API, hence SameMinorVersion.
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/TesseraConfigVersion.cmake
  VERSION ${TESSERA_RT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/TesseraConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/TesseraConfigVersion.cmake
  DESTINATION ${TESSERA_RT_CMAKE_DIR})
