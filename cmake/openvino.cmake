# Imports the OpenVINO C API from the PyPI wheel in .venv as the target openvino::c.
# We do not call find_package(OpenVINO): its package forces the wheel's libstdc++ ABI define on
# every consumer, while the C API is ABI-neutral (DESIGN.md §2, docs/building.md).
set(MSERVE_PYTHON "${CMAKE_SOURCE_DIR}/.venv/bin/python" CACHE FILEPATH "Python of the venv holding the openvino wheel")
execute_process(
  COMMAND ${MSERVE_PYTHON} -c "import openvino, os; print(os.path.dirname(openvino.__file__))"
  OUTPUT_VARIABLE OPENVINO_PACKAGE_DIR OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE openvino_found)
if(NOT openvino_found EQUAL 0 OR NOT IS_DIRECTORY "${OPENVINO_PACKAGE_DIR}")
  message(FATAL_ERROR "openvino wheel not found with ${MSERVE_PYTHON}; run scripts/setup first")
endif()
set(OPENVINO_LIB_DIR "${OPENVINO_PACKAGE_DIR}/libs")
# The wheel ships no unversioned symlink, so link the versioned file by its full name.
file(GLOB OPENVINO_C_LIBRARY "${OPENVINO_LIB_DIR}/libopenvino_c.so.*")
list(LENGTH OPENVINO_C_LIBRARY openvino_c_count)
if(NOT openvino_c_count EQUAL 1)
  message(FATAL_ERROR "expected one libopenvino_c.so.* in ${OPENVINO_LIB_DIR}, found: ${OPENVINO_C_LIBRARY}")
endif()
add_library(openvino::c SHARED IMPORTED GLOBAL)
set_target_properties(openvino::c PROPERTIES
  IMPORTED_LOCATION "${OPENVINO_C_LIBRARY}"
  IMPORTED_NO_SONAME FALSE
  INTERFACE_INCLUDE_DIRECTORIES "${OPENVINO_PACKAGE_DIR}/include")
message(STATUS "OpenVINO C API: ${OPENVINO_C_LIBRARY}")
