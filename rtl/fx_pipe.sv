// fx_pipe: a DEPTH-stage delay line of a valid bit and a data word that moves only when `en`
// is high: the building block of the units' global-stall pipelines (docs/rtl_units.md). DEPTH = 0
// is a wire, so a unit can make a stage optional with a parameter expression. Only the valid
// bits are reset; data registers need no reset because nothing reads them while invalid.
module fx_pipe #(
    parameter int W     = 1,
    parameter int DEPTH = 1
) (
    /* verilator lint_off UNUSEDSIGNAL */  // clk, rst_n and en are unused when DEPTH = 0
    input  logic         clk,
    input  logic         rst_n,
    input  logic         en,
    /* verilator lint_on UNUSEDSIGNAL */
    input  logic         in_valid,
    input  logic [W-1:0] in_data,
    output logic         out_valid,
    output logic [W-1:0] out_data
);
  generate
    if (DEPTH == 0) begin : g_wire
      assign out_valid = in_valid;
      assign out_data  = in_data;
    end else begin : g_regs
      logic [DEPTH-1:0] valid_q;
      logic [W-1:0] data_q[DEPTH];

      always_ff @(posedge clk) begin
        if (!rst_n) valid_q <= '0;
        else if (en) valid_q <= DEPTH'({valid_q, in_valid});
      end

      always_ff @(posedge clk) begin
        if (en) begin
          data_q[0] <= in_data;
          for (int i = 1; i < DEPTH; i++) data_q[i] <= data_q[i-1];
        end
      end

      assign out_valid = valid_q[DEPTH-1];
      assign out_data  = data_q[DEPTH-1];
    end
  endgenerate
endmodule
