"""The four outcomes of a check, shared by the judges, the result and the text report."""
PASS, FAIL, WARN, SKIP = "PASS", "FAIL", "WARN", "SKIP"
