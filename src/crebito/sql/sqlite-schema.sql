-- Crébito ledger schema for SQLite (the embedded default store, one file shared by both instances).
CREATE TABLE clientes (
  id      INTEGER PRIMARY KEY,
  limite  INTEGER NOT NULL CHECK (limite >= 0),
  saldo   INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT saldo_dentro_do_limite CHECK (saldo >= -limite)
);

CREATE TABLE transacoes (
  id            INTEGER PRIMARY KEY,
  cliente_id    INTEGER NOT NULL,
  valor         INTEGER NOT NULL CHECK (valor > 0),
  tipo          TEXT    NOT NULL CHECK (tipo IN ('c', 'd')),
  descricao     TEXT    NOT NULL CHECK (length(descricao) BETWEEN 1 AND 10),
  realizada_em  TEXT    NOT NULL
);

CREATE INDEX transacoes_cliente_recentes ON transacoes (cliente_id, id DESC);
