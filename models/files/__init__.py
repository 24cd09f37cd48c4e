"""Files in and out: workbooks, plan files, backups, atomic writes."""
