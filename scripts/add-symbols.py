# usage: addsyms.py HEADER...  adds the HEDGE_API functions of the headers to lib/libhedge.map (sorted)
import re, sys
names = set()
for h in sys.argv[1:]:
    names |= set(re.findall(r'HEDGE_API\s+[^;{]*?\b(hedge_\w+)\s*\(', open(h).read(), re.S))
p = 'lib/libhedge.map'
s = open(p).read()
start = s.index('global:') + len('global:')
end = s.index('local:')
cur = set(re.findall(r'(hedge_\w+);', s[start:end]))
allnames = sorted(cur | names)
body = '\n' + ''.join(f'    {n};\n' for n in allnames) + '  '
s = s[:start] + body + s[end:]
open(p, 'w').write(s)
print('added', sorted(names - cur))
