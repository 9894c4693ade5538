-- DELIMITER chunks sent as they are: several statements per chunk, use ended by the delimiter, \; no end (issue 9 defects 3, 4, 6)
create table t (a int);
DELIMITER //
select 1 as a; select 2 as b//
insert into t values (1), (2); select * from t; update t set a = a + 10//
select 1 as first; select * from nosuch; select 3 as never//
create procedure p() begin select a from t order by a; select count(*) as n from t; end//
call p()//
drop procedure p//
create database dbxconf_delim_other//
use dbxconf_delim_other//
select database() as db//
create table u (b int); insert into u values (7); select * from u//
drop database dbxconf_delim_other //
select database() as db//
DELIMITER ;
select 1 \; select 2;
select 3 as after_backslash;
select 'a;b' as s; select "c;d" as t; select `a;b` from (select 1 as `a;b`) x;
select 1 /* ; */ as c; select 2 -- ;
 as d;
