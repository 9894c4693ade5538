-- strings follow the server's NO_BACKSLASH_ESCAPES, as the mysql client reads its status flag (issue 9 defect 5)
select 'a\'b' as esc, 'tab\there' as tab, 'back\\slash' as back;
set sql_mode = 'NO_BACKSLASH_ESCAPES';
select 'a\' as x;
select 'b\\' as y, length('b\\') as n;
set @@session.sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES';
select 'c\' as z, "d\" from (select 1 as "d\") q;
set session sql_mode = default;
select 'e\'f' as back_again;
set sql_mode = concat(@@sql_mode, ',NO_BACKSLASH_ESCAPES');
select 'g\' as computed_mode;
set sql_mode = 'STRICT_TRANS_TABLES';
select 'h\\i' as strict_only;
