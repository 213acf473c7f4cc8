.mode column
.headers on
-- Each document's totals, one row per document.
SELECT department, year, kind, "income.total", "expenditure.total", "three_public.total", "operating_costs"
FROM figures_wide WHERE kind IS NOT NULL ORDER BY department, year;
-- Every 三公 figure with its change on last year.
SELECT d.department, d.year, f.field, f.value_text, f.unit, f.change_direction, f.change_amount, f.page
FROM figures f JOIN documents d USING (source)
WHERE f.field LIKE 'three_public.%' ORDER BY d.department, d.year, f.field;
