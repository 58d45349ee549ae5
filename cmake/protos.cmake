# Generates C++ and gRPC code from proto/ (our own copies of the wire protocols) as mserve_protos.
find_program(PROTOC protoc REQUIRED)
find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
file(GLOB_RECURSE MSERVE_PROTOS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/proto/*.proto)
set(proto_out ${CMAKE_BINARY_DIR}/proto_gen)
file(MAKE_DIRECTORY ${proto_out})
set(proto_sources)
foreach(proto ${MSERVE_PROTOS})
  file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR}/proto ${proto})
  string(REGEX REPLACE "\\.proto$" "" stem ${rel})
  set(generated ${proto_out}/${stem}.pb.cc ${proto_out}/${stem}.pb.h
                ${proto_out}/${stem}.grpc.pb.cc ${proto_out}/${stem}.grpc.pb.h)
  add_custom_command(
    OUTPUT ${generated}
    COMMAND ${PROTOC} --proto_path=${CMAKE_SOURCE_DIR}/proto --cpp_out=${proto_out}
            --grpc_out=${proto_out} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN} ${proto}
    DEPENDS ${proto} ${MSERVE_PROTOS}
    COMMENT "protoc ${rel}")
  list(APPEND proto_sources ${proto_out}/${stem}.pb.cc ${proto_out}/${stem}.grpc.pb.cc)
endforeach()
add_library(mserve_protos STATIC ${proto_sources})
target_include_directories(mserve_protos SYSTEM PUBLIC ${proto_out})
target_compile_options(mserve_protos PRIVATE -w)
target_link_libraries(mserve_protos PUBLIC PkgConfig::GRPCPP PkgConfig::PROTOBUF)
