# `cmake --install build --prefix P`: libvcdiscover.a with the FAISS C API
# archive it needs, the public headers, the CLI, the shipped models, KB and
# gazetteer, and lib/pkgconfig/vcdiscover.pc. The library is static only, so
# the .pc lists what it links in Libs.private (`pkg-config --static`).
include(GNUInstallDirs)
install(TARGETS vcdiscover_lib ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${VCD_FAISS_C_LIB} DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS vcdiscover RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/vcd DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
# The data a library configured with -DVCD_DATA_DIR=P/share/vcdiscover reads;
# the word vectors (146 MB, made by scripts/setup.sh) are not installed.
install(DIRECTORY data/models data/kb DESTINATION ${CMAKE_INSTALL_DATADIR}/vcdiscover)
install(FILES data/gazetteer.tsv data/sample_comments.csv data/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/vcdiscover)
install(FILES LICENSE NOTICE DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The .pc finds its prefix from its own place, so --prefix (and DESTDIR)
# chosen at install time need no reconfigure.
file(RELATIVE_PATH VCD_PC_PREFIX "/r/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/r")
string(REGEX REPLACE "/$" "" VCD_PC_PREFIX "${VCD_PC_PREFIX}")
get_filename_component(_vcd_faiss_c "${VCD_FAISS_C_LIB}" NAME_WE)
string(REGEX REPLACE "^lib" "" _vcd_faiss_c "${_vcd_faiss_c}")
set(VCD_PC_LIBS_PRIVATE "-l${_vcd_faiss_c} -lfaiss -lopenblas")
foreach(lib ${OpenMP_C_LIB_NAMES})
  string(APPEND VCD_PC_LIBS_PRIVATE " -l${lib}")
endforeach()
string(APPEND VCD_PC_LIBS_PRIVATE " -lstdc++ -lutf8proc -lcsv -lcjson -lm")
if(VCD_MPI) # an -DVCD_MPI=ON library calls Open MPI
  foreach(lib ${MPI_C_LIBRARIES})
    string(APPEND VCD_PC_LIBS_PRIVATE " ${lib}")
  endforeach()
endif()
configure_file(cmake/vcdiscover.pc.in "${CMAKE_BINARY_DIR}/vcdiscover.pc" @ONLY)
install(FILES "${CMAKE_BINARY_DIR}/vcdiscover.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
