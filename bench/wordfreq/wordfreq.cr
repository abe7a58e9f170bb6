# wordfreq (peer of wordfreq.guji): word frequencies: read English-like
# text on stdin, lower-case it, take the words as the maximal runs of
# [a-z] (String#scan), count them in a Hash(String, Int32) and print the
# 20 most frequent as `word count`, by count descending then word.
counts = Hash(String, Int32).new(0)
STDIN.each_line do |line|
  line.downcase.scan(/[a-z]+/) { |m| counts[m[0]] += 1 }
end
counts.to_a.sort_by { |(w, n)| {-n, w} }.first(20).each do |(w, n)|
  puts "#{w} #{n}"
end
