/**
 * The demo shop: customers carry PII of every kind the masking detects. All values are synthetic
 * (card numbers are the payment networks' published test numbers, SSNs and IBANs are well-formed
 * but fictitious).
 */
export const DEMO_SEED_SQL = `
CREATE TABLE customers (
  id          serial PRIMARY KEY,
  name        text NOT NULL,
  email       text NOT NULL,
  phone       text,
  card_number text,
  ssn         text,
  iban        text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE products (
  id      serial PRIMARY KEY,
  sku     text NOT NULL UNIQUE,
  title   text NOT NULL,
  price   numeric(10,2) NOT NULL,
  stock   integer NOT NULL DEFAULT 0
);
CREATE TABLE orders (
  id          serial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers(id),
  status      text NOT NULL DEFAULT 'new',
  total       numeric(10,2) NOT NULL,
  placed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE order_items (
  order_id   integer NOT NULL REFERENCES orders(id),
  product_id integer NOT NULL REFERENCES products(id),
  quantity   integer NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
CREATE TABLE payments (
  id          serial PRIMARY KEY,
  order_id    integer NOT NULL REFERENCES orders(id),
  card_number text NOT NULL,
  amount      numeric(10,2) NOT NULL,
  paid_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO customers (name, email, phone, card_number, ssn, iban) VALUES
  ('Ada Lovelace',     'ada@example.com',        '+44 20 7946 0958', '4111 1111 1111 1111', '123-45-6789', 'GB82WEST12345698765432'),
  ('Grace Hopper',     'grace.hopper@example.org','+1 212 555 0100',  '5555 5555 5555 4444', '219-09-9999', 'DE89370400440532013000'),
  ('Alan Turing',      'alan@turing.example',     '+44 161 496 0000', '3782 822463 10005',   '078-05-1120', 'FR1420041010050500013M02606'),
  ('Katherine Johnson','kj@nasa.example',         '+1 757 555 0199',  '6011 1111 1111 1117', '536-22-1234', 'NL91ABNA0417164300'),
  ('Edsger Dijkstra',  'ewd@cs.example',          '+31 20 555 0123',  '4012 8888 8888 1881', '432-11-9876', 'ES9121000418450200051332'),
  ('Barbara Liskov',   'liskov@mit.example',      '+1 617 555 0142',  '5105 1051 0510 5100', '345-67-8901', 'IT60X0542811101000000123456');
INSERT INTO products (sku, title, price, stock) VALUES
  ('KB-001', 'Mechanical keyboard', 129.00, 40),
  ('MS-002', 'Trackball mouse', 59.50, 120),
  ('MN-003', '27" monitor', 329.99, 15),
  ('DK-004', 'Standing desk', 499.00, 7);
INSERT INTO orders (customer_id, status, total) VALUES
  (1, 'shipped', 188.50), (2, 'new', 329.99), (3, 'paid', 499.00), (1, 'new', 59.50), (5, 'cancelled', 129.00);
INSERT INTO order_items VALUES (1,1,1),(1,2,1),(2,3,1),(3,4,1),(4,2,1),(5,1,1);
INSERT INTO payments (order_id, card_number, amount) VALUES
  (1, '4111 1111 1111 1111', 188.50), (3, '3782 822463 10005', 499.00);
`;
