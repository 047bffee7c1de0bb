-- Crébito ledger schema for PostgreSQL (the production store).
-- The CHECK constraint restates the ledger rule as a last line of defence: the application's
-- single-statement update already refuses a debit past the limit, so it never fires.
CREATE TABLE clientes (
  id      integer PRIMARY KEY,
  limite  bigint  NOT NULL CHECK (limite >= 0),
  saldo   bigint  NOT NULL DEFAULT 0,
  CONSTRAINT saldo_dentro_do_limite CHECK (saldo >= -limite)
);

CREATE TABLE transacoes (
  id            bigserial   PRIMARY KEY,
  cliente_id    integer     NOT NULL,
  valor         bigint      NOT NULL CHECK (valor > 0),
  tipo          char(1)     NOT NULL CHECK (tipo IN ('c', 'd')),
  descricao     varchar(10) NOT NULL CHECK (length(descricao) >= 1),
  realizada_em  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The extrato reads the newest 10 rows of one client: an index walk, no sort.
CREATE INDEX transacoes_cliente_recentes ON transacoes (cliente_id, id DESC);

-- Append-only, and read only through the index above: autovacuum has nothing to reclaim, and its
-- runs on this table ran out the database's CPU quota every 20 s of the official scenario
-- (docs/BENCHMARKS.md, session 6: 14 throttled periods per run with it, 6-8 without).
ALTER TABLE transacoes SET (autovacuum_enabled = false, toast.autovacuum_enabled = false);
