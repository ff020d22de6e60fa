// Toolchain smoke test DUT: a registered signed multiply-add, y <= a * b + c.
// 16-bit signed operands; the 32-bit result holds every case exactly
// (|a * b| <= 2^30, |c| <= 2^15), so the reference needs no wrap-around.
module smoke_mac (
    input  logic               clk,
    input  logic signed [15:0] a,
    input  logic signed [15:0] b,
    input  logic signed [15:0] c,
    output logic signed [31:0] y
);
  // Each operand is sign-extended to 32 bits before the arithmetic (a size cast keeps the
  // signedness), so the product and the sum are exact and Verilator sees no width mismatch.
  always_ff @(posedge clk) y <= 32'(a) * 32'(b) + 32'(c);
endmodule
