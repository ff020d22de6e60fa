// fx_acc_out: the accumulator stage shared by fx_mac_pe and khot_pe, plus their output.
//   acc = wrap_or_saturate_ACC((in_start ? 0 : acc) + in_beat)   (fx_requant with TRN, same LSB)
//   on an in_last beat: requant(acc) to the output format, then TAIL plain delay stages.
// The accumulator register and the result register make one pipeline stage (moving on `en`,
// the unit's global advance), so the stage count is 1 + TAIL.
// Q = 7 (RND_STOCH): the output requantizer draws its random bits from an fx_lfsr (K =
// min(PF - OUT_FRAC, 28) bits a rounding, none when no bit is dropped), loaded with lfsr_seed
// while rst_n is low and stepped on each edge that takes a result (en, in_valid, in_last): the
// lane's stream of roundings is its stream of results, in order. Q 0..6 ignore lfsr_seed.
module fx_acc_out #(
    parameter int BW         = 20,  // width of the signed beat sum
    parameter int ACC_W      = 24,
    parameter int ACC_O      = 3,
    parameter int PF         = 0,   // fraction bits of beat and accumulator
    parameter int OUT_W      = 8,
    parameter int OUT_FRAC   = 4,
    parameter bit OUT_SIGNED = 1,
    parameter int Q          = 4,
    parameter int O          = 0,
    parameter int N          = 0,
    parameter int AP         = 0,   // 1: ap_fixed semantics in the output requantizer
    parameter int TAIL       = 0
) (
    input  logic             clk,
    input  logic             rst_n,
    input  logic             en,
    input  logic             in_valid,
    input  logic             in_start,
    input  logic             in_last,
    input  logic [   BW-1:0] in_beat,
    /* verilator lint_off UNUSEDSIGNAL */  // read by Q = 7 only
    input  logic [     30:0] lfsr_seed,
    /* verilator lint_on UNUSEDSIGNAL */
    output logic             out_valid,
    output logic [OUT_W-1:0] out_data,
    output logic             out_overflow
);
  localparam int SW = (ACC_W > BW ? ACC_W : BW) + 1;  // acc + beat, exact

  logic signed [ACC_W-1:0] acc_q, acc_next;
  logic signed [SW-1:0] sum;
  assign sum = (in_start ? SW'(0) : SW'(acc_q)) + SW'($signed(in_beat));

  /* verilator lint_off UNUSEDSIGNAL */
  logic acc_inexact, acc_tie, acc_ovf, out_inexact, out_tie;
  /* verilator lint_on UNUSEDSIGNAL */
  fx_requant #(
      .IN_W(SW), .IN_FRAC(0), .IN_SIGNED(1),
      .OUT_W(ACC_W), .OUT_FRAC(0), .OUT_SIGNED(1),
      .Q(5), .O(ACC_O), .N(0)
  ) u_acc_requant (
      .din(sum), .rnd('0), .dout(acc_next),
      .inexact(acc_inexact), .tie(acc_tie), .overflow(acc_ovf)
  );

  logic [OUT_W-1:0] y;
  logic y_ovf;
  localparam int D = PF - OUT_FRAC;  // bits the output requantizer drops
  localparam int K = D <= 0 ? 0 : (D < 28 ? D : 28);
  logic [27:0] rnd;
  generate
    if (Q == 7 && K > 0) begin : g_lfsr
      logic [K-1:0] bits;
      fx_lfsr #(
          .K(K)
      ) u_lfsr (
          .clk, .rst_n, .seed(lfsr_seed),
          .step(en && in_valid && in_last),
          .bits(bits)
      );
      assign rnd = 28'(bits);
    end else begin : g_no_lfsr
      assign rnd = '0;
    end
  endgenerate
  fx_requant #(
      .IN_W(ACC_W), .IN_FRAC(PF), .IN_SIGNED(1),
      .OUT_W(OUT_W), .OUT_FRAC(OUT_FRAC), .OUT_SIGNED(OUT_SIGNED),
      .Q(Q), .O(O), .N(N), .AP(AP)
  ) u_out_requant (
      .din(acc_next), .rnd(rnd), .dout(y),
      .inexact(out_inexact), .tie(out_tie), .overflow(y_ovf)
  );

  logic res_valid;
  logic [OUT_W:0] res_q;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      acc_q <= '0;
      res_valid <= 1'b0;
    end else if (en) begin
      if (in_valid) acc_q <= acc_next;
      res_valid <= in_valid && in_last;
    end
  end
  always_ff @(posedge clk) begin
    if (en) res_q <= {y_ovf, y};
  end

  fx_pipe #(
      .W(OUT_W + 1),
      .DEPTH(TAIL)
  ) u_tail (
      .clk, .rst_n, .en,
      .in_valid(res_valid), .in_data(res_q),
      .out_valid(out_valid), .out_data({out_overflow, out_data})
  );
endmodule
