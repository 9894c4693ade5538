// Evaluated while the start-up snapshot is made (scripts/snapshot.mjs injects it): what nearly every run would
// otherwise load on first use. mysql2 decodes the column definitions of each result (character set utf8mb3) with
// iconv-lite's CESU-8 codec, whose tables iconv-lite loads on the first decode.
import iconv from 'iconv-lite';

iconv.getDecoder('cesu8');
