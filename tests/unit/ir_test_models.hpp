// Hand-written OpenVINO IR models for unit tests, so that tests need no Python to make models.
#pragma once

namespace mserve::test_models {

// OVMS's dummy topology: b f32 [1,10] → a = b + constant, the constant (f32 [1,10], 40 bytes at
// offset 0) read from the .bin written beside it.
inline constexpr char kAddConstantXml[] = R"(<?xml version="1.0"?>
<net name="add_constant" version="11">
  <layers>
    <layer id="0" name="b" type="Parameter" version="opset1">
      <data shape="1,10" element_type="f32"/>
      <output><port id="0" precision="FP32" names="b"><dim>1</dim><dim>10</dim></port></output>
    </layer>
    <layer id="1" name="ones" type="Const" version="opset1">
      <data element_type="f32" shape="1,10" offset="0" size="40"/>
      <output><port id="0" precision="FP32"><dim>1</dim><dim>10</dim></port></output>
    </layer>
    <layer id="2" name="add" type="Add" version="opset1">
      <data auto_broadcast="numpy"/>
      <input>
        <port id="0" precision="FP32"><dim>1</dim><dim>10</dim></port>
        <port id="1" precision="FP32"><dim>1</dim><dim>10</dim></port>
      </input>
      <output><port id="2" precision="FP32" names="a"><dim>1</dim><dim>10</dim></port></output>
    </layer>
    <layer id="3" name="a/sink_port_0" type="Result" version="opset1">
      <input><port id="0" precision="FP32"><dim>1</dim><dim>10</dim></port></input>
    </layer>
  </layers>
  <edges>
    <edge from-layer="0" from-port="0" to-layer="2" to-port="0"/>
    <edge from-layer="1" from-port="0" to-layer="2" to-port="1"/>
    <edge from-layer="2" from-port="2" to-layer="3" to-port="0"/>
  </edges>
</net>
)";

}  // namespace mserve::test_models
