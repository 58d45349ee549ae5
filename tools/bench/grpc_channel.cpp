#include "grpc_channel.hpp"

namespace mserve::bench {

std::shared_ptr<::grpc::Channel> makeClientChannel(const std::string& address, size_t index) {
  ::grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  arguments.SetInt("mserve_bench.client", static_cast<int>(index));
  arguments.SetMaxReceiveMessageSize(-1);
  arguments.SetMaxSendMessageSize(-1);
  return ::grpc::CreateCustomChannel(address, ::grpc::InsecureChannelCredentials(), arguments);
}

CallResult toCallResult(const ::grpc::Status& status) {
  if (status.ok()) return {};
  return {false, "gRPC " + std::to_string(status.error_code()) + ": " + status.error_message()};
}

}  // namespace mserve::bench
