"""Feed formats: each finds the records and columns of its files. `registry` is the seam with
the tailer (a parser per file, by format name); csv (and tsv), jsonl and Asterisk's queue_log
are built in."""
