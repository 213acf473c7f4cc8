.mode column
.headers on
-- Each document's totals, one row per document.
SELECT department, year, kind, "income.total", "expenditure.total", "three_public.total", "operating_costs"
FROM figures_wide WHERE kind IS NOT NULL ORDER BY department, year;
-- Every 三公 figure with its change on last year.
SELECT d.department, d.year, f.field, f.value_text, f.unit, f.change_direction, f.change_amount, f.page
FROM figures f JOIN documents d USING (source)
WHERE f.field LIKE 'three_public.%' ORDER BY d.department, d.year, f.field;
-- The standard tables (附表) each document holds, and how many rows each gave.
SELECT d.department, d.year, json_extract(t.value, '$.id') AS table_id, json_extract(t.value, '$.page') AS page,
       json_extract(t.value, '$.rows') AS rows
FROM documents d, json_each(d.tables) t WHERE d.kind IS NOT NULL ORDER BY d.department, d.year, page;
