# logparse (peer of logparse.guji): parse a web-server log on stdin with one
# regex with named groups and report the requests and malformed lines, the
# requests per method and per status class (2xx, 3xx, ...), the total
# bytes, the mean latency (2 decimals) and the 5 most requested paths,
# numeric ids replaced by `:id` (by count descending, then path).
LINE = /^(?<ts>\S+) (?<method>[A-Z]+) (?<path>\S+) (?<status>\d{3}) (?<bytes>\d+) (?<ms>\d+)ms$/
methods = Hash(String, Int32).new(0)
classes = Hash(String, Int32).new(0)
paths = Hash(String, Int32).new(0)
requests = malformed = 0
total_bytes = total_ms = 0_i64
STDIN.each_line(chomp: true) do |line|
  if md = LINE.match(line)
    requests += 1
    methods[md["method"]] += 1
    classes["#{md["status"][0]}xx"] += 1
    paths[md["path"].gsub(/\/\d+/, "/:id")] += 1
    total_bytes += md["bytes"].to_i64
    total_ms += md["ms"].to_i64
  else
    malformed += 1
  end
end
puts "requests #{requests}"
puts "malformed #{malformed}"
methods.to_a.sort.each { |(k, n)| puts "method #{k} #{n}" }
classes.to_a.sort.each { |(k, n)| puts "status #{k} #{n}" }
puts "bytes #{total_bytes}"
printf("latency %.2fms\n", total_ms / requests)
paths.to_a.sort_by { |(k, n)| {-n, k} }.first(5).each { |(k, n)| puts "path #{k} #{n}" }
