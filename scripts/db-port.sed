# db-port.sed - rewrites a store file's sqlite3_* calls to db.h's
# (src/store/db.h), the mechanical part of moving a store file off SQLite:
#   sed -i -E -f scripts/db-port.sed src/store/store_NEW.c
# then build: what is left (an error code compared by hand, a multi-line
# call) the compiler points at.  store_ucm.c reads other tools' SQLite
# files and stays on SQLite.
s/sqlite3_stmt \*/struct db_stmt */g
s/sqlite3_bind_text\(([^,]+), ([^,]+), (.*), -1, SQLITE_STATIC\)/db_bind_text(\1, \2, \3)/g
s/sqlite3_bind_blob\(([^,]+), ([^,]+), ([^,]+), \(int\)(.*), SQLITE_STATIC\)/db_bind_blob(\1, \2, \3, \4)/g
s/sqlite3_bind_int(64)?\(/db_bind_int64(/g
s/sqlite3_bind_null\(/db_bind_null(/g
s/sqlite3_step\(/db_step(/g
s/SQLITE_ROW/DB_ROW/g
s/SQLITE_DONE/DB_DONE/g
s/sqlite3_column_int64\(/db_column_int64(/g
s/sqlite3_column_int\(/db_column_int(/g
s/sqlite3_column_type\(([^,]+), ([^)]+)\) == SQLITE_BLOB/!db_column_is_null(\1, \2)/g
s/sqlite3_column_type\(([^,]+), ([^)]+)\) == SQLITE_NULL/db_column_is_null(\1, \2)/g
s/sqlite3_finalize\(/db_finish(/g
s/sqlite3_changes\(/db_changes(/g
s/!sqlite3_get_autocommit\(([^)]+)\)/db_in_transaction(\1)/g
s/sqlite3_get_autocommit\(([^)]+)\)/!db_in_transaction(\1)/g
s/sqlite3_errmsg\(/db_error_message(/g
s/sqlite3_errcode\(([^)]+)\) == SQLITE_CONSTRAINT/db_error_class(\1) == DB_DUPLICATE/g
s/store_fail\(st, [a-z_]+, /store_fail(st, /g
