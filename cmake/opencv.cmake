# Imports OpenCV core, imgcodecs and imgproc (Debian's libopencv-*-dev) as the target
# opencv::image. Debian ships OpenCVConfig.cmake and opencv4.pc only with the libopencv-dev
# meta package, which pulls in every OpenCV module; the three -dev packages we need ship the
# headers and libraries, so they are found directly when the config package is absent.
find_package(OpenCV QUIET COMPONENTS core imgcodecs imgproc)
add_library(opencv::image INTERFACE IMPORTED GLOBAL)
if(OpenCV_FOUND)
  set_target_properties(opencv::image PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${OpenCV_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "opencv_core;opencv_imgcodecs;opencv_imgproc")
  message(STATUS "OpenCV ${OpenCV_VERSION} (config package)")
  return()
endif()
find_path(OPENCV_INCLUDE_DIR opencv2/imgcodecs.hpp PATH_SUFFIXES opencv4 REQUIRED)
set(opencv_libraries)
foreach(module core imgcodecs imgproc)
  find_library(OPENCV_${module}_LIBRARY opencv_${module} REQUIRED)
  list(APPEND opencv_libraries ${OPENCV_${module}_LIBRARY})
endforeach()
set_target_properties(opencv::image PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${OPENCV_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "${opencv_libraries}")
message(STATUS "OpenCV: ${OPENCV_INCLUDE_DIR} ${opencv_libraries}")
