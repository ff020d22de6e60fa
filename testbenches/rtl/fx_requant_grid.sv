// Test-only wrapper: one fx_requant per (Q, O) pair, all fed the same input, so one Verilated
// model checks all 35 mode pairs of a width configuration. Pair p = q * 5 + o drives
// dout[p*OUT_W +: OUT_W] and flags[p*3 +: 3] = {overflow, tie, inexact}. WRAP_SM (o = 4) needs
// a signed output: for OUT_SIGNED = 0 those five pairs are tied to zero. AP selects ap_fixed
// semantics in every instance.
module fx_requant_grid #(
    parameter int IN_W       = 10,
    parameter int IN_FRAC    = 6,
    parameter bit IN_SIGNED  = 1,
    parameter int OUT_W      = 5,
    parameter int OUT_FRAC   = 2,
    parameter bit OUT_SIGNED = 1,
    parameter int N          = 0,
    parameter int AP         = 0
) (
    input  logic [     IN_W-1:0] din,
    output logic [35*OUT_W-1:0] dout,
    output logic [     35*3-1:0] flags
);
  for (genvar q = 0; q < 7; q++) begin : g_q
    for (genvar o = 0; o < 5; o++) begin : g_o
      localparam int P = q * 5 + o;
      if (o == 4 && !OUT_SIGNED) begin : g_none
        assign dout[P*OUT_W+:OUT_W] = '0;
        assign flags[P*3+:3] = '0;
      end else begin : g_rq
        fx_requant #(
            .IN_W(IN_W), .IN_FRAC(IN_FRAC), .IN_SIGNED(IN_SIGNED),
            .OUT_W(OUT_W), .OUT_FRAC(OUT_FRAC), .OUT_SIGNED(OUT_SIGNED),
            .Q(q), .O(o), .N(N), .AP(AP)
        ) u_rq (
            .din,
            .rnd('0),
            .dout(dout[P*OUT_W+:OUT_W]),
            .inexact(flags[P*3]),
            .tie(flags[P*3+1]),
            .overflow(flags[P*3+2])
        );
      end
    end
  end
endmodule
