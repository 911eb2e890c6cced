# FAISS's version macros live in a C++ header (faiss/Index.h) that C sources
# cannot include: read them at configure time for `vcdiscover --version`.
find_path(FAISS_INCLUDE NAMES faiss/Index.h)
set(VCD_FAISS_VERSION "unknown")
if(FAISS_INCLUDE)
  file(STRINGS "${FAISS_INCLUDE}/faiss/Index.h" _vcd_faiss_defs
       REGEX "^#define FAISS_VERSION_(MAJOR|MINOR|PATCH) +[0-9]+")
  set(_vcd_faiss_parts "")
  foreach(part MAJOR MINOR PATCH)
    if("${_vcd_faiss_defs}" MATCHES "FAISS_VERSION_${part} +([0-9]+)")
      list(APPEND _vcd_faiss_parts "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  list(LENGTH _vcd_faiss_parts _vcd_n)
  if(_vcd_n EQUAL 3)
    list(JOIN _vcd_faiss_parts "." VCD_FAISS_VERSION)
  endif()
endif()
message(STATUS "FAISS headers: ${VCD_FAISS_VERSION}")
set_source_files_properties("${CMAKE_CURRENT_SOURCE_DIR}/src/util/version.c" PROPERTIES
  COMPILE_DEFINITIONS "VCD_FAISS_VERSION=\"${VCD_FAISS_VERSION}\"")
