// stream_fifo: a valid/ready FIFO of DEPTH beats of WIDTH bits with an occupancy counter for the
// models' statistics (docs/rtl_units.md).
//   DEPTH 0   a wire: in_ready = out_ready, out_valid = in_valid, out_data = in_data, count = 0.
//   DEPTH 1   a register slice: one output register; in_ready = !out_valid || out_ready (ready
//             passes through one gate), so a beat per cycle flows through with latency 1.
//   DEPTH >=2 a memory of DEPTH - 1 entries read synchronously into the output register (the
//             read port's own register, so that a block RAM can hold it): latency 2, a beat per
//             cycle. in_ready = the memory is not full, or it is read in this cycle (the write
//             then reuses the slot being read: read-old-data, as the register of a read port
//             sees it).
// STYLE says where the memory goes: 0 AUTO (yosys decides), 1 REGISTERS, 2 LUTRAM, 3 BRAM, by
// the ram_style attribute yosys's memory_libmap reads.
module stream_fifo #(
    parameter int WIDTH = 8,
    parameter int DEPTH = 2,
    parameter int STYLE = 0,
    localparam int CW = DEPTH < 1 ? 1 : $clog2(DEPTH + 1)
) (
    /* verilator lint_off UNUSEDSIGNAL */  // clk and rst_n are unused when DEPTH = 0
    input  logic             clk,
    input  logic             rst_n,
    /* verilator lint_on UNUSEDSIGNAL */
    input  logic             in_valid,
    output logic             in_ready,
    input  logic [WIDTH-1:0] in_data,
    output logic             out_valid,
    input  logic             out_ready,
    output logic [WIDTH-1:0] out_data,
    output logic [   CW-1:0] count
);
  generate
    if (DEPTH == 0) begin : g_wire
      assign in_ready  = out_ready;
      assign out_valid = in_valid;
      assign out_data  = in_data;
      assign count     = '0;
    end else if (DEPTH == 1) begin : g_slice
      logic valid_q;
      logic [WIDTH-1:0] data_q;
      assign in_ready = !valid_q || out_ready;
      always_ff @(posedge clk) begin
        if (!rst_n) valid_q <= 1'b0;
        else if (in_ready) valid_q <= in_valid;
      end
      always_ff @(posedge clk) begin
        if (in_valid && in_ready) data_q <= in_data;
      end
      assign out_valid = valid_q;
      assign out_data  = data_q;
      assign count     = valid_q;
    end else begin : g_memory
      localparam int MEM = DEPTH - 1;
      localparam int AW = MEM > 1 ? $clog2(MEM) : 1;
      localparam int MCW = $clog2(MEM + 1);
      logic [AW-1:0] wr_ptr, rd_ptr;
      logic [MCW-1:0] mem_count;
      logic valid_q, rd_en, wr_en;
      logic [WIDTH-1:0] data_q;

      function automatic logic [AW-1:0] next(input logic [AW-1:0] p);
        next = p == AW'(MEM - 1) ? '0 : p + 1'b1;
      endfunction

      assign rd_en = mem_count != 0 && (!valid_q || out_ready);
      assign in_ready = mem_count != MCW'(MEM) || rd_en;
      assign wr_en = in_valid && in_ready;

      always_ff @(posedge clk) begin
        if (!rst_n) begin
          wr_ptr <= '0;
          rd_ptr <= '0;
          mem_count <= '0;
          valid_q <= 1'b0;
        end else begin
          if (wr_en) wr_ptr <= next(wr_ptr);
          if (rd_en) rd_ptr <= next(rd_ptr);
          mem_count <= mem_count + MCW'(wr_en) - MCW'(rd_en);
          if (rd_en) valid_q <= 1'b1;
          else if (out_ready) valid_q <= 1'b0;
        end
      end

      // One memory per style: the attribute must sit on the declaration.
      if (STYLE == 1) begin : g_registers
        (* ram_style = "logic" *) logic [WIDTH-1:0] mem[MEM];
        always_ff @(posedge clk) if (wr_en) mem[wr_ptr] <= in_data;
        always_ff @(posedge clk) if (rd_en) data_q <= mem[rd_ptr];
      end else if (STYLE == 2) begin : g_lutram
        (* ram_style = "distributed" *) logic [WIDTH-1:0] mem[MEM];
        always_ff @(posedge clk) if (wr_en) mem[wr_ptr] <= in_data;
        always_ff @(posedge clk) if (rd_en) data_q <= mem[rd_ptr];
      end else if (STYLE == 3) begin : g_bram
        (* ram_style = "block" *) logic [WIDTH-1:0] mem[MEM];
        always_ff @(posedge clk) if (wr_en) mem[wr_ptr] <= in_data;
        always_ff @(posedge clk) if (rd_en) data_q <= mem[rd_ptr];
      end else begin : g_auto
        logic [WIDTH-1:0] mem[MEM];
        always_ff @(posedge clk) if (wr_en) mem[wr_ptr] <= in_data;
        always_ff @(posedge clk) if (rd_en) data_q <= mem[rd_ptr];
      end

      assign out_valid = valid_q;
      assign out_data  = data_q;
      assign count     = CW'(mem_count) + CW'(valid_q);
    end
  endgenerate
endmodule
