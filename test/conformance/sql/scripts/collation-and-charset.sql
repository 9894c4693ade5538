-- the session's character set and collation: utf8mb4 with the server's default collation; SET NAMES followed (issue 9 defects 1, 2)
select @@character_set_client, @@character_set_connection, @@character_set_results, @@collation_connection;
create table people (name varchar(10));
insert into people values ('Sam'), ('张三');
set @n = 'Sam';
select * from people where name = @n;
select * from people where name = '张三';
select name, hex(name), char_length(name) from people order by name;
create table legacy (s varchar(10)) charset utf8mb3;
set names utf8;
select @@character_set_client;
insert into legacy values ('a😀b');
insert into legacy values ('aéb');
select s, hex(s) from legacy;
set names utf8mb4;
insert into legacy values ('x😀y');
select hex(s) from legacy;
select '😀' as emoji, hex('😀') as bytes, _utf8mb4'😀' = '😀' as same;
