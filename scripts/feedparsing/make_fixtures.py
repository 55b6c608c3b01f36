#!/usr/bin/env python3
"""Writes the feed-parsing trap corpus: Tests/FeedParsingTests/Fixtures/<format>/<trap>.<ext>
plus <trap>.meta.json ({"description", "url", "http_charset"}). Goldens (<trap>.golden.json) are
written by the test suite with HEROLD_UPDATE_GOLDENS=1 and reviewed by hand."""
import json, os, sys

ROOT = os.path.join(os.path.dirname(__file__), "../../Tests/FeedParsingTests/Fixtures")
D = "https://example.org/feed.xml"

def w(fmt, name, desc, body, url=D, charset=None, encoding="utf-8", ext="xml"):
    d = os.path.join(ROOT, fmt); os.makedirs(d, exist_ok=True)
    data = body if isinstance(body, bytes) else body.encode(encoding)
    open(os.path.join(d, f"{name}.{ext}"), "wb").write(data)
    json.dump({"description": desc, "url": url, "http_charset": charset},
              open(os.path.join(d, f"{name}.meta.json"), "w"), ensure_ascii=False)

RSS = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"{ns}><channel><title>T</title><link>https://example.org/</link><description>d</description>{ch}\n{items}</channel></rss>\n'
def rss(items, ns="", ch=""):
    return RSS.format(ns=ns, ch=ch, items=items)

# --- RSS 2.0 ---
w("rss20", "basic", "RSS 2.0 with every common item field: guid, link, pubDate, author split, description, content:encoded, enclosure, categories",
  rss('''<item><guid>https://example.org/a/1</guid><title>First</title><link>https://example.org/a/1</link>
<pubDate>Tue, 10 Sep 2019 13:30:00 +0200</pubDate><author>press@example.org (Press Office)</author>
<description>&lt;p&gt;Teaser &amp;amp; more&lt;/p&gt;</description><content:encoded><![CDATA[<p>Full <b>text</b></p>]]></content:encoded>
<enclosure url="https://example.org/a/1.pdf" type="application/pdf" length="12345"/>
<category>Steuern</category><category domain="x">Haushalt</category></item>''', ns=' xmlns:content="http://purl.org/rss/1.0/modules/content/"', ch="<language>de</language><lastBuildDate>Thu, 14 Nov 2019 11:02:13 +0100</lastBuildDate>"))
w("rss20", "guid-permalink", "guid without isPermaLink (default true) and no <link> becomes the link; isPermaLink=false does not; a non-URL guid is no link",
  rss('''<item><guid>https://example.org/p/1</guid><title>A</title></item>
<item><guid isPermaLink="false">https://example.org/p/2</guid><title>B</title></item>
<item><guid>news-3</guid><title>C</title></item>
<item><guid isPermaLink="true">https://example.org/p/4</guid><link>https://example.org/link/4</link><title>D</title></item>'''))
w("rss20", "author-forms", "RSS author forms: 'mail (Name)', 'Name <mail>', bare mail, bare name, dc:creator",
  rss('''<item><title>1</title><author>a@example.org (Anna A)</author></item>
<item><title>2</title><author>Bernd B &lt;b@example.org&gt;</author></item>
<item><title>3</title><author>c@example.org</author></item>
<item><title>4</title><author>Dora D</author></item>
<item><title>5</title><dc:creator>Emil E</dc:creator></item>''', ns=' xmlns:dc="http://purl.org/dc/elements/1.1/"'))
w("rss20", "published-vs-updated", "published only from pubDate/dcterms:issued, updated only from dc:date/dcterms:modified; never copied into each other",
  rss('''<item><title>pub</title><pubDate>Tue, 10 Sep 2019 13:30:00 +0200</pubDate></item>
<item><title>dcdate</title><dc:date>2019-09-10T13:30:00+02:00</dc:date></item>
<item><title>terms</title><dcterms:issued>2019-09-01T08:00:00Z</dcterms:issued><dcterms:modified>2019-09-02T08:00:00Z</dcterms:modified></item>
<item><title>none</title></item>''', ns=' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'))
w("rss20", "odd-prefixes", "namespaces matched by URI: Dublin Core as 'x:', content as 'c:', and a foreign 'dc' prefix bound to another URI is ignored",
  rss('''<item><title>A</title><x:creator>Xaver</x:creator><x:subject>Sub</x:subject><c:encoded>&lt;p&gt;body&lt;/p&gt;</c:encoded><dc:date>2001-01-01T00:00:00Z</dc:date></item>''',
      ns=' xmlns:x="http://purl.org/dc/elements/1.1/" xmlns:c="http://purl.org/rss/1.0/modules/content/" xmlns:dc="urn:not-dublin-core"'))
w("rss20", "atom-in-rss", "atom:link rel=alternate supplies a missing RSS link (channel and item); rel=self is not the link",
  '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title><atom:link rel="self" href="https://example.org/feed.xml"/><atom:link rel="alternate" href="https://example.org/home"/>'
  '<item><title>A</title><atom:link rel="alternate" type="text/html" href="https://example.org/a"/><atom:published>2019-01-01T00:00:00Z</atom:published></item></channel></rss>')
w("rss20", "xml-base", "relative URLs resolved against nested xml:base in link, enclosure and href/src inside HTML content",
  '<?xml version="1.0"?><rss version="2.0" xml:base="https://base.example/news/"><channel><title>T</title><link>./</link>'
  '<item xml:base="2019/"><title>A</title><link>a.html</link><enclosure url="../files/a.mp3" type="audio/mpeg" length="1"/>'
  '<description>&lt;a href="more.html"&gt;more&lt;/a&gt; &lt;img src="/img/x.png"&gt;</description></item></channel></rss>')
w("rss20", "relative-against-document", "without xml:base, relative links resolve against the document URL",
  rss('<item><title>A</title><link>/meldung/1</link><enclosure url="files/1.pdf" type="application/pdf" length="x"/></item>'),
  url="https://www.example-bund.de/SiteGlobals/rss.xml")
w("rss20", "relative-against-feed-link", "without xml:base or document URL, relative links resolve against the channel link",
  '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://example.org/presse/</link><item><title>A</title><link>meldung-1.html</link></item></channel></rss>', url=None)
w("rss20", "undeclared-html-entities", "undeclared HTML entities (&auml; &nbsp; &hellip; &euro;) are decoded, not cut; the feed is bozo",
  rss('<item><title>Gr&uuml;&szlig;e aus Th&uuml;ringen&hellip;</title><description>Preis:&nbsp;5&euro; f&uuml;r &quot;alle&quot; &amp; mehr</description></item>'))
w("rss20", "bare-ampersand", "a bare & in text and in a URL is kept; later &amp; survive; bozo",
  rss('<item><title>AT&T & Co &amp; more</title><link>https://example.org/?a=1&b=2</link></item><item><title>Second &amp; last</title></item>'))
w("rss20", "unclosed-tag", "an unclosed element inside an item: the recovering read still yields both items and later entities",
  rss('<item><title>One</title><description>open <b>bold</description></item><item><title>Two &amp; three</title><link>https://example.org/2</link></item>'))
w("rss20", "title-markup", "RSS titles with escaped markup and double-escaped entities become plain text",
  rss('<item><title>&lt;b&gt;Bold&lt;/b&gt; news &amp;amp; views</title></item><item><title><![CDATA[Zitat: "Hallo" <i>Welt</i>]]></title></item><item><title>5 &lt; 6</title></item>'))
w("rss20", "description-child-elements", "unescaped HTML elements inside description are kept as HTML markup",
  rss('<item><title>A</title><description><p>Hello <a href="https://example.org/x">link</a><br/>line</p></description></item>'))
w("rss20", "no-items", "a channel without items is a feed with zero entries", rss(''))
w("rss20", "media-rss", "media:content (also inside media:group) counts as enclosure when no RSS enclosure exists",
  rss('<item><title>A</title><media:content url="https://example.org/a.jpg" type="image/jpeg" fileSize="2048"/></item>'
      '<item><title>B</title><media:group><media:content url="https://example.org/b.mp4" type="video/mp4"/><media:thumbnail url="https://example.org/b.jpg"/></media:group></item>'
      '<item><title>C</title><enclosure url="https://example.org/c.mp3" type="audio/mpeg" length="9"/><media:content url="https://example.org/c.jpg" type="image/jpeg"/></item>',
      ns=' xmlns:media="http://search.yahoo.com/mrss/"'))
w("rss20", "no-author-inheritance", "items do not inherit the channel's managingEditor/dc:creator; absent values stay null",
  rss('<item><title>A</title></item>', ns=' xmlns:dc="http://purl.org/dc/elements/1.1/"', ch="<managingEditor>boss@example.org (Boss)</managingEditor><dc:creator>Channel Creator</dc:creator>"))
w("rss20", "image-title", "<image><title>/<link> before the channel's own must not become the feed title/link",
  '<?xml version="1.0"?><rss version="2.0"><channel><image><title>Logo</title><link>https://example.org/logo</link><url>https://example.org/logo.png</url></image><title>Real</title><link>https://example.org/real</link><textInput><title>Search</title></textInput></channel></rss>')
w("rss20", "whitespace", "leading/trailing whitespace and newlines in values are trimmed; inner title whitespace collapsed",
  rss('<item><title>\n   Line one\n   line two  \n</title><link>\n https://example.org/w \n</link><category>  Cat  </category></item>'))
w("rss20", "extension-title", "a title in an unknown namespace (x:title) does not override the item title",
  rss('<item><x:title>Wrong</x:title><title>Right</title><x:thing><title>Also wrong</title></x:thing></item>', ns=' xmlns:x="urn:x"'))
w("rss20", "missing-version", "rss without version attribute is read as RSS 2.0",
  '<rss><channel><title>T</title><item><title>A</title></item></channel></rss>')

# --- RSS 0.9x ---
w("rss09x", "rss091", "RSS 0.91 (Netscape/UserLand) with version detection",
  '<?xml version="1.0"?><rss version="0.91"><channel><title>T</title><link>https://example.org/</link><language>en-us</language><item><title>A</title><link>https://example.org/a</link><description>d</description></item></channel></rss>')
w("rss09x", "rss092", "RSS 0.92 with enclosure and category",
  '<?xml version="1.0"?><rss version="0.92"><channel><title>T</title><link>https://example.org/</link><item><description>only a description</description><enclosure url="https://example.org/s.mp3" length="100" type="audio/mpeg"/><category>c</category></item></channel></rss>')
w("rss09x", "rss090", "RSS 0.90 (RDF with the Netscape 0.9 namespace), items outside the channel",
  '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>T</title><link>https://example.org/</link></channel><item><title>A</title><link>https://example.org/a</link></item></rdf:RDF>')

# --- RSS 1.0 ---
w("rss10", "basic", "RSS 1.0: rdf:about as id, dc:date as updated (not published), dc:creator, dc:subject, content:encoded; image title ignored",
  '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
  '<channel rdf:about="https://example.org/rss"><title>T</title><link>https://example.org/</link><description>d</description><dc:language>de</dc:language><items><rdf:Seq><rdf:li rdf:resource="https://example.org/a"/></rdf:Seq></items></channel>'
  '<image rdf:about="x"><title>Logo</title><url>https://example.org/l.png</url><link>https://example.org/</link></image>'
  '<item rdf:about="https://example.org/a"><title>A</title><link>https://example.org/a</link><description>Teaser</description><content:encoded>&lt;p&gt;Body&lt;/p&gt;</content:encoded><dc:date>2019-09-10T13:30:00+02:00</dc:date><dc:creator>Anna</dc:creator><dc:subject>Politik</dc:subject></item></rdf:RDF>')

# --- Atom 1.0 ---
A = '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"{attrs}><title>T</title><link href="https://example.org/"/><id>urn:feed</id><updated>2019-11-14T11:02:13+01:00</updated>{entries}</feed>\n'
def atom(entries, attrs=""):
    return A.format(entries=entries, attrs=attrs)
w("atom10", "basic", "Atom 1.0 entry: id, links by rel (alternate, enclosure, self), published/updated, author name/email, category terms, summary text, content html",
  atom('''<entry><id>tag:example.org,2019:1</id><title>A</title><link rel="self" href="https://example.org/self/1"/><link href="https://example.org/1"/>
<link rel="enclosure" href="https://example.org/1.mp3" type="audio/mpeg" length="777"/><published>2019-09-10T13:30:00+02:00</published><updated>2019-09-11T08:00:00Z</updated>
<author><name>Anna</name><email>anna@example.org</email><uri>https://example.org/anna</uri></author><author><name>Second</name></author>
<category term="Steuern" label="Steuern und Abgaben"/><category term="Haushalt"/><summary>Plain &amp; simple</summary><content type="html">&lt;p&gt;Hi&lt;/p&gt;</content></entry>''', attrs=' xml:lang="de"'))
w("atom10", "xhtml", "type=xhtml title and content: the wrapper div is removed, markup kept; title reduced to plain text",
  atom('<entry><id>x1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Eins <em>zwei</em></div></title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Absatz <b>fett</b></p></div></content></entry>'))
w("atom10", "html-title", "type=html title: tags removed and entities decoded",
  atom('<entry><id>h1</id><title type="html">&lt;em&gt;Wichtig:&lt;/em&gt; Steuern &amp;amp; Abgaben &amp;auml;ndern sich</title></entry>'))
w("atom10", "xml-base-nested", "nested xml:base on feed, entry and link element",
  atom('<entry xml:base="sub/"><id>b1</id><title>A</title><link href="page.html"/><link rel="enclosure" xml:base="/media/" href="a.mp3"/></entry>', attrs=' xml:base="https://base.example/root/"'))
w("atom10", "content-src", "content with src has no inline value: content stays null",
  atom('<entry><id>s1</id><title>A</title><content src="https://example.org/c.html" type="text/html"/></entry>'))
w("atom10", "alternate-preference", "several alternate links: the first HTML one wins over an earlier non-HTML one",
  atom('<entry><id>l1</id><title>A</title><link rel="alternate" type="application/pdf" href="https://example.org/a.pdf"/><link rel="alternate" type="text/html" href="https://example.org/a.html"/><link rel="alternate" href="https://example.org/other.html"/></entry>'))
w("atom10", "source-element", "atom:source inside an entry: its title, author, id and links must not leak into the entry",
  atom('<entry><source><id>urn:other</id><title>Other feed</title><author><name>Other</name></author><link href="https://other.example/"/></source><id>e1</id><title>Mine</title></entry>'))
w("atom10", "no-id", "entries without id keep id null (no invented id) and without author keep author null, even when the feed has one",
  atom('<author><name>Feed Author</name></author><entry><title>A</title><link href="https://example.org/a"/></entry>'))
w("atom10", "prefixed", "Atom with an 'a:' prefix instead of the default namespace",
  '<?xml version="1.0"?><a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>T</a:title><a:link href="https://example.org/"/><a:entry><a:id>p1</a:id><a:title>A</a:title><a:updated>2019-01-01T00:00:00Z</a:updated></a:entry></a:feed>')

# --- Atom 0.3 ---
w("atom03", "basic", "Atom 0.3: issued as published, modified as updated, content mode=escaped as HTML, link rel alternate",
  '<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>T</title><link rel="alternate" type="text/html" href="https://example.org/"/><modified>2004-01-01T00:00:00Z</modified>'
  '<entry><title>A</title><link rel="alternate" type="text/html" href="https://example.org/a"/><id>tag:example.org,2004:1</id><issued>2004-01-01T10:00:00+01:00</issued><modified>2004-01-02T10:00:00Z</modified>'
  '<author><name>Anna</name></author><content type="text/html" mode="escaped">&lt;p&gt;Hallo&lt;/p&gt;</content><summary type="text/plain">Sum</summary></entry></feed>')

# --- JSON Feed ---
w("json", "jsonfeed11", "JSON Feed 1.1: authors[0], content_html over content_text, tags, attachments, dates, relative url against home_page_url",
  json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://example.org/", "feed_url": "https://example.org/feed.json", "language": "de",
              "items": [{"id": "1", "url": "https://example.org/1", "title": "Eins", "content_html": "<p>Hallo</p>", "content_text": "Hallo", "summary": "Kurz",
                         "date_published": "2019-09-10T13:30:00+02:00", "date_modified": "2019-09-11T08:00:00Z", "authors": [{"name": "Anna", "url": "https://example.org/anna"}],
                         "tags": ["Steuern", "Haushalt"], "attachments": [{"url": "https://example.org/1.pdf", "mime_type": "application/pdf", "size_in_bytes": 1234}]},
                        {"id": 2, "content_text": "Nur Text"}]}, ensure_ascii=False), ext="json", url="https://example.org/feed.json")
w("json", "jsonfeed10", "JSON Feed 1.0: author object, numeric id kept as string",
  json.dumps({"version": "https://jsonfeed.org/version/1", "title": "J", "items": [{"id": 7, "url": "https://example.org/7", "title": "Sieben", "author": {"name": "Bernd"}, "content_text": "x"}]}), ext="json")

# --- Encodings ---
LAT = '<?xml version="1.0" encoding="{enc}"?>\n<rss version="2.0"><channel><title>Gr\u00fc\u00dfe</title><item><title>{t}</title></item></channel></rss>\n'
w("encoding", "latin1-declared", "ISO-8859-1 declared, windows-1252 bytes (0x80 is the euro sign, 0x96 an en dash)",
  LAT.format(enc="ISO-8859-1", t="Preis 5 \u20ac \u2013 M\u00e4rz").encode("cp1252"))
w("encoding", "utf8-declared-latin1", "UTF-8 bytes under an ISO-8859-1 declaration are read as UTF-8",
  LAT.format(enc="iso-8859-1", t="M\u00e4rz \u2013 \u20ac").encode("utf-8"))
w("encoding", "invalid-utf8", "latin-1 bytes in a UTF-8 document: valid text kept, invalid bytes read as windows-1252, bozo",
  LAT.format(enc="utf-8", t="M\u00e4rz").encode("utf-8").replace("M\u00e4rz".encode("utf-8"), "M\u00e4rz / Gr\u00fc\u00dfe".encode("cp1252")))
w("encoding", "utf16le-bom", "UTF-16LE with BOM", "\ufeff" + LAT.format(enc="utf-16", t="M\u00e4rz \u20ac"), encoding="utf-16-le")
w("encoding", "utf16be-no-bom", "UTF-16BE without BOM, detected from the '<?' pattern", LAT.format(enc="utf-16", t="M\u00e4rz"), encoding="utf-16-be")
w("encoding", "utf8-bom", "UTF-8 with BOM and no declaration", b"\xef\xbb\xbf" + '<rss version="2.0"><channel><title>Gr\u00fc\u00dfe</title></channel></rss>'.encode())
w("encoding", "http-charset-wins", "the HTTP charset (windows-1252) overrides a wrong declaration (utf-8); bozo",
  LAT.format(enc="utf-8", t="\u00c4rger \u201eZitat\u201c").encode("cp1252"), charset="windows-1252")
w("encoding", "windows-1252-charrefs", "character references into the C1 range (&#150; &#128;) mean windows-1252 characters; &#0; becomes U+FFFD",
  rss('<item><title>a &#150; b &#128; c &#x96; d &#0; e &#8364;</title></item>'))
w("encoding", "control-characters", "control bytes forbidden in XML are dropped, text kept; bozo",
  rss('<item><title>Steuer\x0bn\x01 &amp; Abgaben</title></item>'))

# --- Hostile ---
w("hostile", "xxe-file", "XXE: an external entity pointing at a local file is never loaded (title keeps only the literal text)",
  '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>before &xxe; after</title><item><title>A&xxe;</title><description attr="&xxe;">x</description></item></channel></rss>')
w("hostile", "xxe-parameter", "XXE via a parameter entity and an external DTD: nothing is fetched or loaded",
  '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd" [<!ENTITY % pe SYSTEM "file:///etc/passwd"> %pe;]><rss version="2.0"><channel><title>T</title></channel></rss>')
lol = '<!ENTITY lol "lol">' + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i-1))*10}">' for i in range(1, 10))
w("hostile", "billion-laughs", "billion laughs: nested entity expansion is refused, parsing ends at once",
  f'<?xml version="1.0"?><!DOCTYPE rss [{lol}]><rss version="2.0"><channel><title>T &lol9;</title><item><title>&lol9;</title><link>https://example.org/&lol9;</link></item></channel></rss>')
w("hostile", "internal-entity", "a harmless internal entity with a plain value (and one made of character references) is expanded",
  '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY org "Finanzministerium"><!ENTITY nbsp "&#160;">]><rss version="2.0"><channel><title>T</title><item><title>Das &org;&nbsp;informiert</title></item></channel></rss>')
w("hostile", "deep-nesting", "5000 nested elements inside a description: libxml2's depth limit stops the read, the items before it survive, bozo",
  rss('<item><title>Before</title></item><item><title>Deep</title><description>' + "<div>" * 5000 + "x" + "</div>" * 5000 + '</description></item>'))

print("ok")
