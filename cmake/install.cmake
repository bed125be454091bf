# Installs tapegrad as a CMake package, so another project can write
#
#   find_package(tapegrad REQUIRED)
#   target_link_libraries(app PRIVATE tapegrad::tapegrad)
#
# Headers go to <prefix>/include/tapegrad/FOLDER/NAME.hpp, the same paths the
# sources include; the library goes to <prefix>/lib; the package files go to
# <prefix>/lib/cmake/tapegrad. Included by the root CMakeLists.txt after
# GNUInstallDirs.
include(CMakePackageConfigHelpers)

set(TAPEGRAD_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/tapegrad")

foreach(part core layers optim data)
  if(EXISTS "${PROJECT_SOURCE_DIR}/${part}")
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/${part}/"
            DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/tapegrad/${part}"
            FILES_MATCHING PATTERN "*.hpp")
  endif()
endforeach()

install(TARGETS tapegrad
  EXPORT tapegradTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

install(EXPORT tapegradTargets
  NAMESPACE tapegrad::
  DESTINATION "${TAPEGRAD_INSTALL_CMAKEDIR}")

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/tapegradConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/tapegradConfig.cmake"
  INSTALL_DESTINATION "${TAPEGRAD_INSTALL_CMAKEDIR}")

# Before 1.0 a minor release may change the API, so only the same minor
# version matches.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/tapegradConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)

install(FILES
  "${PROJECT_BINARY_DIR}/tapegradConfig.cmake"
  "${PROJECT_BINARY_DIR}/tapegradConfigVersion.cmake"
  DESTINATION "${TAPEGRAD_INSTALL_CMAKEDIR}")
