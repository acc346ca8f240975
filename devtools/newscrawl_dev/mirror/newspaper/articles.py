"""The Newspaper theme's article page: ``tdb_*`` blocks inside a template ``<article>``,
Yoast SEO head tags, the sidebar and the blocks below the article.
"""

from __future__ import annotations

from newscrawl_dev.mirror.bodies import image_caption
from newscrawl_dev.mirror.model import Post
from newscrawl_dev.mirror.newspaper.frame import NewspaperFrame
from newscrawl_dev.mirror.newspaper.markup import TEMPLATE_ID, Ids, block_script
from newscrawl_dev.mirror.theme import (
    Block,
    attr,
    esc,
    jsonld,
    utc,
    wp_date,
)


class NewspaperArticles(NewspaperFrame):
    """Article pages (``render_article``)."""

    def article_head(self, post: Post) -> str:
        url = self.post_url(post)
        img = self.url(self.image_path(post))
        desc = attr(self.description(post))
        authors = [
            {"@type": "Person", "@id": f"{self.base}/#/schema/person/{a.slug}", "name": a.name,
             "url": self.url(self.author_path(a))} for a in post.authors]
        graph = [
            {"@type": "Article", "@id": f"{url}#article", "isPartOf": {"@id": url},
             "author": [{"name": a.name, "@id": f"{self.base}/#/schema/person/{a.slug}"}
                        for a in post.authors] if len(post.authors) > 1 else
             {"name": post.authors[0].name,
              "@id": f"{self.base}/#/schema/person/{post.authors[0].slug}"},
             "headline": post.title, "datePublished": utc(post.published),
             "dateModified": utc(post.modified), "mainEntityOfPage": {"@id": url},
             "wordCount": len(self.body(post).text.split()), "commentCount": self.comments(post),
             "publisher": {"@id": f"{self.base}/#organization"},
             "image": {"@id": f"{url}#primaryimage"}, "thumbnailUrl": img,
             "keywords": [t.name for t in post.tags],
             "articleSection": [c.name for c in post.categories], "inLanguage": self.lang,
             "potentialAction": [{"@type": "CommentAction", "name": "Comment",
                                  "target": [f"{url}#respond"]}]},
            {"@type": "WebPage", "@id": url, "url": url,
             "name": f"{post.title} - {self.spec.name}",
             "isPartOf": {"@id": f"{self.base}/#website"},
             "primaryImageOfPage": {"@id": f"{url}#primaryimage"}, "image": {"@id":
                                                                             f"{url}#primaryimage"},
             "thumbnailUrl": img, "datePublished": utc(post.published),
             "dateModified": utc(post.modified), "breadcrumb": {"@id": f"{url}#breadcrumb"},
             "inLanguage": self.lang, "potentialAction": [{"@type": "ReadAction",
                                                           "target": [url]}]},
            {"@type": "ImageObject", "inLanguage": self.lang, "@id": f"{url}#primaryimage",
             "url": img, "contentUrl": img, "width": 1200, "height": 800},
            {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": self.base + "/"},
                {"@type": "ListItem", "position": 2, "name": post.title}]},
            {"@type": "WebSite", "@id": f"{self.base}/#website", "url": self.base + "/",
             "name": self.spec.name, "description": self.spec.tagline,
             "publisher": {"@id": f"{self.base}/#organization"}, "inLanguage": self.lang},
            {"@type": "Organization", "@id": f"{self.base}/#organization",
             "name": self.spec.name, "url": self.base + "/"},
            *authors,
        ]
        amp = ""
        if self.traps and post is self.content.special.get("aliased"):
            amp = f'<link rel="amphtml" href="{url}amp/" />\n'
        names = ", ".join(a.name for a in post.authors)
        minutes = max(1, len(self.body(post).text.split()) // 200)
        return (f"<!-- This site is optimized with the Yoast SEO plugin v21.9.1 - https://yoast"
                f".com/wordpress/plugins/seo/ -->\n<meta name=\"description\" content=\"{desc}\" />"
                f'\n<link rel="canonical" href="{url}" />\n<meta property="og:locale" content="'
                f'en_US" />\n<meta property="og:type" content="article" />\n<meta property="og:'
                f'title" content="{attr(post.title)} - {attr(self.spec.name)}" />\n<meta property'
                f'="og:description" content="{desc}" />\n<meta property="og:url" content="{url}" '
                f'/>\n<meta property="og:site_name" content="{attr(self.spec.name)}" />\n<meta '
                f'property="article:published_time" content="{utc(post.published)}" />\n<meta '
                f'property="article:modified_time" content="{utc(post.modified)}" />\n<meta '
                f'property="og:image" content="{img}" />\n<meta property="og:image:width" content'
                f'="1200" />\n<meta property="og:image:height" content="800" />\n<meta property="'
                f'og:image:type" content="image/jpeg" />\n<meta name="author" content="'
                f'{attr(names)}" />\n<meta name="twitter:card" content="summary_large_image" />\n'
                f'<meta name="twitter:label1" content="Written by" />\n<meta name="twitter:data1" '
                f'content="{attr(names)}" />\n<meta name="twitter:label2" content="Est. reading '
                f'time" />\n<meta name="twitter:data2" content="{minutes} minutes" />\n<script '
                f'type="application/ld+json" class="yoast-schema-graph">'
                f'{jsonld({"@context": "https://schema.org", "@graph": graph})}</script>\n<!-- / '
                f'Yoast SEO plugin. -->\n<link rel="alternate" type="application/rss+xml" title="'
                f'{attr(self.spec.name)} &raquo; {attr(post.title)} Comments Feed" href="{url}'
                f'feed/" />\n<link rel="alternate" title="JSON" type="application/json" href="'
                f'{self.url("/wp-json/wp/v2/posts/")}{post.id}" />\n<link rel=\'shortlink\' href'
                f"='{self.base}/?p={post.id}' />\n{amp}")

    def comments(self, post: Post) -> int:
        return 2 if post.index % 4 == 1 else 0

    def article_main(self, post: Post, ids: Ids) -> tuple[str, str, str]:
        """(main column, sidebar, bottom row) of the article template."""
        url = self.post_url(post)
        cat = post.category
        cat_url = self.url(self.category_path(cat))
        words = post.title.split()
        crumb = " ".join(words[:9]) + ("..." if len(words) > 9 else "")
        parts = []
        uid = ids()
        parts.append(
            f'<div class="td_block_wrap tdb_breadcrumbs {uid} td-pb-border-top td_block_template_8'
            f' tdb-breadcrumbs " data-td-block-uid="{uid}"><div class="tdb-block-inner td-fix-'
            f'index"><span><a title="View all posts in {attr(cat.name)}" class="tdb-entry-crumb" '
            f'href="{cat_url}">{esc(cat.name)}</a></span><i class="td-icon-right tdb-bread-sep '
            f'tdb-bred-no-url-last"></i><span class="tdb-bred-no-url-last">{esc(crumb)}</span>'
            f'</div></div><script type="application/ld+json">' + jsonld({
                "@context": "http://schema.org", "@type": "BreadcrumbList", "itemListElement": [
                    {"@type": "ListItem", "position": 1, "item": {
                        "@type": "WebSite", "@id": self.base + "/", "name": "Home"}},
                    {"@type": "ListItem", "position": 2, "item": {
                        "@type": "WebPage", "@id": cat_url, "name": cat.name}},
                    {"@type": "ListItem", "position": 3, "item": {
                        "@type": "WebPage", "@id": url, "name": crumb}}]}) + "</script>")
        uid = ids()
        parts.append(
            f'<div class="td_block_wrap tdb_single_categories {uid} td-pb-border-top '
            f'td_block_template_8 " data-td-block-uid="{uid}"><div class="tdb-category td-fix-'
            f'index">' + "".join(
                f'<a class="tdb-entry-category" href="{self.url(self.category_path(c))}"><span '
                f'class="tdb-cat-bg"></span>{esc(c.name)}</a>' for c in post.categories)
            + "</div></div>")
        uid = ids()
        parts.append(
            f'<div class="td_block_wrap tdb_title {uid} tdb-single-title td-pb-border-top '
            f'td_block_template_8" data-td-block-uid="{uid}"><div class="tdb-block-inner td-fix-'
            f'index"><h1 class="tdb-title-text">{esc(post.title)}</h1><div></div><div class="'
            f'tdb-title-line"></div></div></div>')
        uid = ids()
        authors = " &amp; ".join(
            f'<a class="tdb-author-name" href="{self.url(self.author_path(a))}">{esc(a.name)}</a>'
            for a in post.authors)
        a0 = post.authors[0]
        parts.append(
            f'<div class="td_block_wrap tdb_single_author {uid} td-pb-border-top '
            f'td_block_template_8 tdb-post-meta" data-td-block-uid="{uid}"><div class="tdb-block-'
            f'inner td-fix-index"><a class="tdb-author-photo" href="'
            f'{self.url(self.author_path(a0))}" title="{attr(a0.name)}"><img alt="'
            f'{attr(a0.name)}" src="{self.url("/wp-content/uploads/avatars/")}{a0.slug}-96x96.jpg"'
            f' class="avatar avatar-96 photo" height="96" width="96"></a><div class="tdb-author-'
            f'name-wrap"><span class="tdb-author-by">By'
            f"</span> {authors}</div></div></div>")
        uid = ids()
        parts.append(
            f'<div class="td_block_wrap tdb_single_date {uid} td-pb-border-top td_block_template_8'
            f' tdb-post-meta" data-td-block-uid="{uid}"><div class="tdb-block-inner td-fix-index">'
            f'<time class="entry-date updated td-module-date" datetime="'
            f'{post.published.isoformat()}">{wp_date(post.published)}</time></div></div>')
        uid = ids()
        parts.append(
            f'<div class="td_block_wrap tdb_single_comments_count {uid} td-pb-border-top '
            f'td_block_template_8 tdb-post-meta"><div class="tdb-block-inner td-fix-index"><a href'
            f'="{url}#respond"><i class="tdb-comm-icon td-icon-comments"></i><span>'
            f"{self.comments(post)}</span></a></div></div>")
        uid = ids()
        caption = "" if post.fixed_body else image_caption(post)
        full = self.url(self.image_path(post))
        parts.append(
            f'<div class="td_block_wrap tdb_single_featured_image {uid} tdb-content-horiz-left '
            f'td-pb-border-top td_block_template_8" data-td-block-uid="{uid}"><div class="tdb-'
            f'block-inner td-fix-index"><a href="{full}" data-caption="{attr(caption)}" class="'
            f'td-modal-image"><img fetchpriority="high" class="entry-thumb" src="{full[:-4]}-696x'
            f'464.jpg" srcset="{full[:-4]}-696x464.jpg 696w, {full[:-4]}-1024x683.jpg 1024w" sizes'
            f'="(max-width: 696px) 100vw, 696px" alt="" title="{attr(post.title)}" width="696" '
            f'height="464" /></a>'
            + (f'<figcaption class="tdb-caption-text">{esc(caption)}</figcaption>' if caption
               else "") + "</div></div>")
        uid = ids()
        share = "".join(
            f'<a class="td-social-sharing-button td-social-sharing-button-js td-social-network '
            f'td-social-{net.lower()}" href="{href}" title="{net}"><div class="td-social-but-icon">'
            f'<i class="td-icon-{net.lower()}"></i></div><div class="td-social-but-text">{net}'
            f"</div></a>" for net, href in (
                ("Facebook", f"https://www.facebook.com/sharer.php?u={url}"),
                ("Twitter", f"https://twitter.com/intent/tweet?text={attr(post.title)}&amp;url={url}"),
                ("Linkedin", f"https://www.linkedin.com/shareArticle?mini=true&amp;url={url}"),
                ("Telegram", f"https://t.me/share/url?url={url}"),
                ("Whatsapp", f"https://api.whatsapp.com/send?text={url}")))
        parts.append(
            f'<div class="td_block_wrap tdb_single_post_share {uid} td-pb-border-top '
            f'td_block_template_8"><div id="{uid}" class="td-post-sharing tdb-block td-ps-bg '
            f'td-ps-notext td-post-sharing-style1 "><div class="td-post-sharing-visible">{share}'
            f'</div><div class="td-social-sharing-hidden"><ul class="td-pulldown-filter-list">'
            f'</ul><a class="td-social-sharing-button td-social-handler td-social-expand-tabs" '
            f'href="#" title="More"><div class="td-social-but-icon"><i class="td-icon-plus '
            f'td-social-expand-tabs-icon"></i></div></a></div></div></div>')
        uid = ids()
        broken = self.truncated(post)
        body = []
        for b in self.body(post).blocks:
            if b.tag in ("p", "source"):
                body.append(f"<p>{b.html}" if broken else f"<p>{b.html}</p>")
            elif b.tag in ("h2", "h3"):
                body.append(f"<{b.tag}>{b.html}</{b.tag}>")
            elif b.tag == "figure":
                body.append(b.html)
            elif b.tag == "ad":
                aid = ids()
                body.append(f'<div class="td-a-rec td-a-rec-id-content_inline  {aid} '
                            f'td_block_template_8"><span class="td-adspot-title">- '
                            f'Advertisement -</span><div class="td-all-devices"><a href="#">'
                            f'<img src="{self.url("/wp-content/uploads/2021/04/banner.png")}" '
                            f'alt="" /></a></div></div>')
        parts.append(
            f'<div class="td_block_wrap tdb_single_content {uid} td-pb-border-top '
            f'td_block_template_8 td-post-content tagdiv-type" data-td-block-uid="{uid}"><div '
            f'class="tdb-block-inner td-fix-index">' + "\n".join(body)
            + ("" if broken else "</div></div>"))
        if broken:
            return "\n".join(parts), "", ""
        parts.append(self.after_body(post, ids))
        sidebar = "".join(self.flex_block(ids, b.heading, b.posts, 19 if b.label == "latest"
                                          else 9) for b in self.blocks(post)
                          if b.label in ("latest", "must_read"))
        bottom = []
        for b in self.blocks(post):
            if b.label == "related":
                bottom.append(self.related_block(ids, post, b))
            elif b.label == "recommended":
                bottom.append(self.flex_block(ids, b.heading, b.posts, 12, meta=True,
                                              cls="td_flex_block_4"))
        return "\n".join(parts), sidebar, "".join(bottom)

    def after_body(self, post: Post, ids: Ids) -> str:
        url = self.post_url(post)
        uid = ids()
        tags = "".join(f'<li><a href="{self.url(self.tag_path(t))}">{esc(t.name)}</a></li>'
                       for t in post.tags)
        out = [f'<div class="td_block_wrap tdb_single_tags {uid} td-pb-border-top '
               f'td_block_template_8"><div class="tdb-block-inner td-fix-index"><ul class="tdb-'
               f'tags"><li><span>Tags</span></li>{tags}</ul></div></div>']
        posts = self.content.posts
        i = self.content.position[post.id]
        prev_p = posts[i + 1] if i + 1 < len(posts) else None
        next_p = posts[i - 1] if i > 0 else None
        uid = ids()

        def side(p: Post | None, cls: str, label: str) -> str:
            if p is None:
                return f'<div class="tdb-next-post {cls}"></div>'
            return (f'<div class="tdb-next-post tdb-next-post-bg {cls}"><span>{label}</span>'
                    f'<a href="{self.post_url(p)}">{esc(p.title)}</a></div>')

        out.append(f'<div class="td_block_wrap tdb_single_next_prev {uid} td-pb-border-top '
                   f'td_block_template_8"><div class="tdb-block-inner td-fix-index">'
                   f'{side(prev_p, "tdb-post-prev", "Previous article")}'
                   f'{side(next_p, "tdb-post-next", "Next article")}</div></div>')
        a = post.authors[0]
        aurl = self.url(self.author_path(a))
        uid = ids()
        out.append(f'<div class="tdb-author-box td_block_wrap tdb_single_author_box {uid} '
                   f'tdb-content-vert-top td-pb-border-top td_block_template_8"><div class="tdb-'
                   f'block-inner td-fix-index"><a href="{aurl}" class="tdb-author-photo"><img '
                   f'alt="{attr(a.name)}" src="{self.url("/wp-content/uploads/avatars/")}'
                   f'{a.slug}-96x96.jpg" class="avatar avatar-96 photo" height="96" width="96">'
                   f'</a><div class="tdb-author-info"><a href="{aurl}" class="tdb-author-name">'
                   f'{esc(a.name)}</a><div class="tdb-author-descr">{esc(a.bio)}</div></div>'
                   f"</div></div>")
        n = self.comments(post)
        items = "".join(
            f'<li class="comment " id="li-comment-{post.id * 10 + k}"><article><footer><img alt="" '
            f'src="{self.url("/wp-content/uploads/avatars/anon-50x50.jpg")}" class="avatar '
            f'avatar-50 photo" height="50" width="50"><cite><a href="https://commenter{k}.example'
            f'.net/" rel="external nofollow" class="url">Reader {k + 1}</a></cite><a class="'
            f'comment-link" href="#li-comment-{post.id * 10 + k}"><time pubdate="1679224500">'
            f'{wp_date(post.published)} at 11:15 am</time></a></footer><div class="comment-content'
            f'"><p>Thank you for this analysis, reader {k + 1} agrees with the main point.</p>'
            f'</div><div class="comment-meta" id="comment-{post.id * 10 + k}"><a rel=\'nofollow\' '
            f"class='comment-reply-link' href='{url}?replytocom={post.id * 10 + k}#respond'>Reply"
            f"</a></div></article></li>" for k in range(n))
        title = f"{n} COMMENTS" if n else "NO COMMENTS"
        uid = ids()
        out.append(
            f'<div class="td_block_wrap tdb_single_comments {uid} td-pb-border-top '
            f'td_block_template_8"><div class="tdb-block-inner td-fix-index"><div class="comments"'
            f' id="comments"><div class="td-comments-title-wrap td_block_template_8"><h4 class="'
            f'td-comments-title td-block-title"><span>{title}</span></h4></div><ol class="comment-'
            f'list ">{items}</ol><div id="respond" class="comment-respond"><h3 id="reply-title" '
            f'class="comment-reply-title">LEAVE A REPLY <small><a rel="nofollow" id="cancel-'
            f'comment-reply-link" href="{url}#respond" style="display:none;">Cancel reply</a>'
            f'</small></h3><form action="{self.url("/wp-comments-post.php")}" method="post" id="'
            f'commentform" class="comment-form"><div class="clearfix"></div><div class="comment-'
            f'form-input-wrap td-form-comment"><textarea placeholder="Comment:" id="comment" '
            f'name="comment" cols="45" rows="8" aria-required="true"></textarea></div><div class'
            f'="comment-form-input-wrap td-form-author"><input class="" id="author" name="author"'
            f' placeholder="Name:*" type="text" value="" size="30"  aria-required=\'true\' /></div>'
            f'<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit"'
            f' value="Post Comment" /> <input type=\'hidden\' name=\'comment_post_ID\' value=\''
            f"{post.id}' id='comment_post_ID' /></p></form></div></div></div></div>")
        return "\n".join(out)

    def related_block(self, ids: Ids, post: Post, block: Block) -> str:
        uid = ids()
        mods = "".join(
            f'<div class="tdb_module_related td_module_wrap td-animation-stack"><div class="td-'
            f'module-container td-category-pos-"><div class="td-image-container">'
            f'{self.teaser_thumb(p)}</div><div class="td-module-meta-info">{self.title_link(p)}'
            f"{self.meta_line(p)}</div></div></div>" for p in block.posts)
        return (f'<div class="td_block_wrap tdb_single_related {uid} td_with_ajax_pagination '
                f'td-pb-border-top td_block_template_8 tdb-single-related-posts" data-td-block-'
                f'uid="{uid}">' + block_script(uid, "tdb_single_related", {
                    "limit": "3", "live_filter": "cur_post_same_categories",
                    "td_ajax_filter_type": "td_custom_related", "live_filter_cur_post_id":
                    post.id, "custom_title": "You might also like"})
                + f'<div class="td-block-title-wrap"><h4 class="td-block-title"><span>'
                f'{esc(block.heading)}</span></h4><div class="td-subcat-filter"><ul class="td-'
                f'subcat-list"><li class="td-subcat-item"><a class="td-subcat-link" href="#" '
                f'data-td_filter_value="">RELATED</a></li></ul></div></div><div id={uid} class="'
                f'td_block_inner tdb-block-inner td-fix-index">{mods}</div><div class="td-next-'
                f'prev-wrap"><a href="#" class="td-ajax-prev-page ajax-page-disabled" aria-label='
                f'"prev-page" id="prev-page-{uid}" data-td_block_id="{uid}"><i class="td-next-'
                f'prev-icon td-icon-font td-icon-menu-left"></i></a><a href="#" class="td-ajax-'
                f'next-page" aria-label="next-page" id="next-page-{uid}" data-td_block_id="{uid}">'
                f'<i class="td-next-prev-icon td-icon-font td-icon-menu-right"></i></a></div>'
                f"</div>")

    def render_article(self, post: Post) -> str:
        ids = Ids()
        main, sidebar, bottom = self.article_main(post, ids)
        cats = " ".join(f"category-{c.slug}" for c in post.categories)
        body_class = (f"post-template-default single single-post postid-{post.id} "
                      f"single-format-standard {cats} tdb_template_{TEMPLATE_ID}")
        title = f"{post.title} - {self.spec.name}"
        head = self.article_head(post)
        article_open = (
            f'<div class="tdc-content-wrap"><article id="template-id-{TEMPLATE_ID}" class="post-'
            f'{TEMPLATE_ID} tdb_templates type-tdb_templates status-publish post" itemscope '
            f'itemtype="https://schema.org/Article"><div id="tdi_22" class="tdc-zone"><div class='
            f'"tdc_zone tdi_23 wpb_row td-pb-row"><div id="tdi_24" class="tdc-row stretch_row_1200'
            f' td-stretch-content"><div class="vc_row tdi_25 wpb_row td-pb-row tdc-element-style">'
            f'<div class="vc_column tdi_27 wpb_column vc_column_container tdc-column td-pb-span8">'
            f'<div class="wpb_wrapper">\n')
        if self.truncated(post):
            return self.page(title, head, body_class, article_open + main, truncated=True)
        main_html = (
            article_open + main + '</div></div>\n<div class="vc_column tdi_29 wpb_column '
            'vc_column_container tdc-column td-pb-span4 td-is-sticky"><div class="wpb_wrapper">'
            + sidebar + '</div></div></div></div>\n<div id="tdi_60" class="tdc-row"><div class='
            '"vc_row tdi_61 wpb_row td-pb-row"><div class="vc_column tdi_63 wpb_column '
            'vc_column_container tdc-column td-pb-span12"><div class="wpb_wrapper">' + bottom
            + "</div></div></div></div>\n</div></div></article></div>")
        return self.page(title, head, body_class, main_html)
