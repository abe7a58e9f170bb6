# revcomp (peer of revcomp.guji): the Benchmarks Game reverse-complement,
# single-threaded: read the fasta output on stdin; for each `>` record print
# its header, then the reverse complement of its sequence (IUB codes, either
# case, complemented to upper case) in lines of 60.
use strict;
use warnings;

sub emit {
    my ($seq) = @_;
    $seq = reverse $seq;
    $seq =~ tr/ACBDGHKMNSRUTWVYacbdghkmnsrutwvy/TGVHCDMKNSYAAWBRTGVHCDMKNSYAAWBR/;
    for (my $i = 0; $i < length $seq; $i += 60) {
        print substr($seq, $i, 60), "\n";
    }
}

my $seq;
while (my $line = <STDIN>) {
    if (substr($line, 0, 1) eq '>') {
        emit($seq) if defined $seq;
        print $line;
        $seq = '';
    } else {
        chomp $line;
        $seq .= $line;
    }
}
emit($seq) if defined $seq;
