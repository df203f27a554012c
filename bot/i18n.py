"""User-facing strings in every supported language, looked up with ``t(lang, key, **params)``.

One catalogue dict per language. To add a string, add its key to ``ZH`` (the fallback
language) and to every other catalogue; tests/test_i18n.py checks that they all hold the same
keys and the same ``{placeholders}``. Strings are plain text: the renderer escapes them.
"""

from __future__ import annotations

from bot.i18n_admin import ADMIN_EN, ADMIN_ZH

LANGUAGES: tuple[str, ...] = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

ZH: dict[str, str] = {
    # --- corrections (admins) ----------------------------------------------------------
    "bot.cmd.correct": "更正已推送的简报：/correct 日期 条目",
    "correction.part.title": "标题",
    "correction.part.intro": "导语",
    "correction.part.commentary": "评论",
    "correction.part.item_headline": "第 {number} 条 · 标题",
    "correction.part.item_link": "第 {number} 条 · 链接",
    "correction.part.item_summary": "第 {number} 条 · 摘要",
    "correction.part.item_item": "第 {number} 条（新增或删除）",
    "correction.more_changes": "……另有 {count} 处改动",
    "correction.more_changes.one": "……另有 {count} 处改动",
    "correction.found": "{date} 的简报已推送，但文件改了。读者看到的改动：",
    "correction.proposed": "{date} 的更正，读者看到的改动：",
    "correction.count": "应用后将编辑 {messages} 条已发送的消息（{chats} 位读者）。",
    "correction.count_in_flight": "另有 {count} 位读者正在推送中，会收到更正后的版本或随后被编辑。",
    "correction.no_changes": "{date} 的这个版本与读者看到的没有差别。",
    "correction.button.apply": "应用",
    "correction.button.ignore": "忽略",
    "correction.button.confirm": "确认，编辑消息",
    "correction.button.confirm_notify": "确认并通知读者",
    "correction.button.cancel": "取消",
    "correction.confirm": "确认应用 {date} 的更正？将编辑 {messages} 条消息（{chats} 位读者）。",
    "correction.applied": "已应用 {date} 的更正：正在编辑 {chats} 位读者的消息。",
    "correction.applied_nothing": "已应用 {date} 的更正；没有需要编辑的已发送消息。",
    "correction.ignored": "已忽略 {date} 的这个版本；读者继续看到原来的版本。",
    "correction.cancelled": "已取消，什么都没有改。",
    "correction.applying": "正在应用 {date} 的更正……",
    "correction.stale": "这个更正已经处理过（或已有更新的版本），这次什么都没做。",
    "correction.notice": "更正：{date} 简报的第 {items} 条已更新，上面的消息已改为更正后的内容。",
    "correction.usage": (
        "用法：/correct 日期 条目，例如 /correct 2025-07-21 3，"
        "然后回复新的标题（或以“摘要：”开头回复新的摘要）。"
    ),
    "correction.ask": (
        "/correct {date} {item}\n请回复这条消息：新的标题，或以“摘要：”开头写新的摘要。"
        "\n现在的标题：{title}"
    ),
    "correction.no_digest": "没有 {date} 的简报。",
    "correction.no_item": "{date} 的简报没有第 {item} 条。",
    "correction.empty": "新内容是空的，什么都没有改。",
    # Renderer labels.
    "render.items": "今日条目",
    "render.prev": "◀ 上一条",
    "render.next": "下一条 ▶",
    "render.item_position": "第 {number}/{total} 条",
    # The reader's bot (handlers/, bot/views/): commands, settings, errors.
    "bot.cmd.start": "订阅并显示欢迎",
    "bot.cmd.today": "今日简报（/today full 看全文）",
    "bot.cmd.item": "看一条，如 /item 3",
    "bot.cmd.category": "按分类看，如 /category 硬件前沿",
    "bot.cmd.categories": "列出分类",
    "bot.cmd.archive": "往期简报",
    "bot.cmd.date": "打开某天的简报，如 /date 2025-07-21",
    "bot.cmd.unread": "最近 7 天未读",
    "bot.cmd.search": "搜索往期简报，如 /search 英伟达",
    "bot.cmd.filter": "关键词筛选，如 /filter +openai -马斯克",
    "bot.cmd.settings": "推送时间、时区、格式、分类、语言",
    "bot.cmd.time": "推送时间，如 /time 07:30",
    "bot.cmd.tz": "时区，如 /tz Europe/Berlin",
    "bot.cmd.format": "格式：/format compact 或 full",
    "bot.cmd.lang": "界面语言：/lang zh 或 en",
    "bot.cmd.stop": "退订（设置会保留）",
    "bot.cmd.help": "全部命令",
    "bot.start.new": (
        "👋 欢迎！我每天 {time}（{tz}）把当天的新闻简报推送给你，"
        "你也可以随时查看、按分类浏览、找回没读的内容。\n\n"
        "已为你订阅。点下面的按钮先看看最新一期，/help 查看全部命令。"
    ),
    "bot.start.resumed": "👋 欢迎回来！订阅已恢复，沿用你之前的设置：每天 {time}（{tz}）推送。",
    "bot.start.already": "你已经订阅了：每天 {time}（{tz}）推送。/settings 可以修改。",
    "bot.stop.done": "已退订，不会再推送。你的设置都会保留，发送 /start 即可恢复。",
    "bot.stop.not_subscribed": "你现在没有订阅。发送 /start 订阅。",
    "bot.button.today": "📰 今日简报",
    "bot.button.settings": "⚙️ 设置",
    "bot.button.help": "❓ 帮助",
    "bot.button.back": "◀ 返回设置",
    "bot.button.share": "↗ 分享",
    "bot.today.not_yet": "今天（{today}）的简报还没发布，这是最新一期（{date}）：",
    "bot.digest.none": "现在还没有任何简报，稍后再来看看吧。",
    "bot.item.usage": "用法：/item 编号 [日期]，例如 /item 3 或 /item 3 2025-07-21。",
    "bot.item.not_a_number": "「{text}」不是条目编号。用法：/item 3",
    "bot.item.missing": "{date} 的简报共 {total} 条，没有第 {number} 条。",
    "bot.date.usage": "用法：/date 日期，例如 /date 2025-07-21。/archive 列出往期。",
    "bot.date.invalid": (
        "「{text}」不是日期。可以写 2025-07-21、2025-7-21、7-21、2025年7月21日、今天、昨天或前天。"
    ),
    "bot.date.no_such_month": "「{text}」不是有效日期：没有 {month} 月（月份是 1–12）。",
    "bot.date.no_such_day": "「{text}」不是有效日期：{year} 年 {month} 月只有 {days} 天。",
    "bot.date.missing": "没有 {date} 的简报。/archive 列出已有的日期。",
    "bot.category.usage": "用法：/category 分类名，例如 /category {example}。",
    "bot.category.unknown": "没有「{name}」这个分类，你是不是要找「{closest}」？可选：{known}",
    "bot.category.unknown_no_guess": "没有「{name}」这个分类。可选：{known}",
    "bot.category.header": "{date} ·「{category}」· {count} 条：",
    "bot.category.header.one": "{date} ·「{category}」· {count} 条：",
    "bot.category.empty": "{date} 的「{category}」分类下没有条目。",
    "bot.categories.header": "{date} 的分类（点一下查看）：",
    "bot.categories.row": "{name}（{count}）",
    "bot.categories.none": "{date} 的简报没有分好类的条目。",
    "bot.archive.header": "往期简报（点编号打开）：",
    "bot.archive.items": "{count} 条",
    "bot.archive.items.one": "{count} 条",
    "bot.day.today": "今天",
    "bot.day.yesterday": "昨天",
    "bot.unread.header": "最近 {days} 天有 {count} 条未读：",
    "bot.unread.none": "最近 {days} 天的内容都读完了 🎉",
    "bot.list.more": "……还有 {count} 条",
    "bot.search.usage": "用法：/search 关键词，例如 /search 英伟达 或 /search openai -马斯克。",
    "bot.search.header": "🔍「{query}」共 {count} 条（最新在前）：",
    "bot.search.header.one": "🔍「{query}」共 {count} 条：",
    "bot.search.none": "往期简报里没有找到「{query}」。",
    "bot.filter.usage": (
        "你还没有设置关键词筛选。用法：/filter +openai -马斯克"
        "（+ 要的词，任一出现即可；- 不要的词；不分大小写，中文不用空格）。"
    ),
    "bot.filter.current": "当前筛选：{rules}。\n/filter +词 -词 重新设置，/filter off 取消。",
    "bot.filter.saved": "筛选已保存：{rules}。\n推送和 /today 只显示符合的条目；/filter off 取消。",
    "bot.filter.cleared": "已取消筛选：推送和 /today 显示全部条目。",
    "bot.filter.categories": "分类：{words}",
    "bot.filter.separator": "、",
    "bot.filter.include": "包含任一：{words}",
    "bot.filter.exclude": "不含：{words}",
    "bot.filter.joiner": "；",
    "bot.filter.none": "无",
    "bot.filter.note": "按你的筛选（{rules}），{total} 条里有 {shown} 条符合。",
    "bot.filter.nothing": "{date} 的 {total} 条里没有符合你筛选（{rules}）的条目。",
    "bot.filter.show_all": "📋 显示全部",
    "bot.filter.empty_term": "「{sign}」后面少了词。用法：/filter +openai -马斯克",
    "bot.filter.too_long": "「{term}…」太长了：一个词最多 {limit} 个字。",
    "bot.filter.too_many": "词太多了：最多 {limit} 个。",
    "bot.unread.mark_all": "✅ 全部标为已读",
    "bot.unread.marked": "已把 {count} 条标为已读。",
    "bot.unread.marked.one": "已把 {count} 条标为已读。",
    "bot.settings.header": (
        "⚙️ 设置\n推送时间：{time}\n时区：{tz}\n格式：{format}\n分类：{categories}\n"
        "筛选：{keywords}\n语言：{language}\n订阅：{status}"
    ),
    "bot.settings.status.active": "已订阅",
    "bot.settings.status.paused": "已暂停（/start 恢复）",
    "bot.settings.status.none": "未订阅（/start 订阅）",
    "bot.settings.format.compact": "简洁（标题 + 按钮）",
    "bot.settings.format.full": "完整（全文）",
    "bot.settings.categories.all": "全部",
    "bot.settings.language.name": "中文",
    "bot.settings.button.time": "🕗 推送时间",
    "bot.settings.button.tz": "🌐 时区",
    "bot.settings.button.format": "📄 切换格式",
    "bot.settings.button.categories": "🏷 分类",
    "bot.settings.button.language": "🌍 English",
    "bot.settings.time.prompt": "选择推送时间，或发送 /time HH:MM（例如 /time 07:30）：",
    "bot.settings.tz.prompt": "选择时区，或发送 /tz 时区名（例如 /tz Europe/Berlin）：",
    "bot.settings.categories.prompt": "选择要接收的分类（一个都不选 = 全部）：",
    "bot.settings.need_start": "请先发送 /start 订阅，然后再修改设置。",
    "bot.time.usage": "用法：/time HH:MM，例如 /time 07:30。",
    "bot.time.invalid": "「{text}」不是有效时间，请用 HH:MM（00:00–23:59），例如 /time 07:30。",
    "bot.time.saved": "推送时间已改为每天 {time}（{tz}）。",
    "bot.tz.usage": "用法：/tz 时区，例如 /tz Asia/Shanghai、/tz UTC+8 或 /tz Berlin。",
    "bot.tz.invalid": (
        "「{text}」不是时区名。可以发 IANA 名称（Asia/Shanghai）、UTC 偏移（UTC+8）"
        "或城市名（Berlin、纽约）。"
    ),
    "bot.tz.saved": "时区已改为 {tz}，每天 {time} 推送。",
    "bot.tz.fixed_offset": (
        "{offset} 是固定的 UTC 偏移，存为 {tz}（IANA 的 Etc 名称正负号相反），不随夏令时变化；"
        "想跟随夏令时请发城市名，例如 /tz Berlin。"
    ),
    "bot.tz.suggest_one": "「{text}」是 {zone} 时区吗？点一下保存：",
    "bot.tz.suggest": "「{text}」不是时区名，你指的是下面哪一个？点一下保存：",
    "bot.format.usage": "用法：/format compact（标题 + 按钮）或 /format full（全文）。",
    "bot.format.saved": "推送格式已改为：{format}。",
    "bot.lang.usage": "用法：/lang zh（中文）或 /lang en（English）。",
    "bot.lang.saved": "界面语言已改为中文。",
    "bot.help.intro": "我每天把新闻简报推送给你，也可以随时查看。全部命令：",
    "bot.unknown_command": "我不认识 {command} 这个命令。/help 列出全部命令。",
    "bot.stray_text": "我只听得懂命令。试试 /today 看今日简报，或 /help 查看全部命令。",
    "bot.throttled": "你发得太快了，请稍等几秒再试。",
    "bot.callback.invalid": "这个按钮已失效，请重新发送命令。",
    "bot.callback.other_chat": "这个按钮不属于这个对话。",
    "bot.error": "抱歉，出了点问题，已记录下来。请稍后再试。",
    "bot.error.store": "暂时读不到数据，请稍后再试。",
    # Admin alerts from the digest poller.
    "alert.digest_invalid": "简报 {origin} 有错误，未保存也不会推送：",
    "alert.more_problems": "……另有 {count} 处问题",
    "alert.more_problems.one": "……另有 {count} 处问题",
    # Admin alerts from the delivery engine.
    "alert.push_failed": (
        "推送 {push} 有发不出去的消息（第一个：{chat}，{error}）。"
        "它们已放入死信队列；本次推送只提醒这一次。"
    ),
}

EN: dict[str, str] = {
    # --- corrections (admins) ----------------------------------------------------------
    "bot.cmd.correct": "Correct a delivered digest: /correct DATE ITEM",
    "correction.part.title": "Title",
    "correction.part.intro": "Intro",
    "correction.part.commentary": "Commentary",
    "correction.part.item_headline": "Item {number} · headline",
    "correction.part.item_link": "Item {number} · link",
    "correction.part.item_summary": "Item {number} · summary",
    "correction.part.item_item": "Item {number} (added or removed)",
    "correction.more_changes": "… and {count} more changes",
    "correction.more_changes.one": "… and {count} more change",
    "correction.found": (
        "The {date} digest was delivered, and its file has changed since. "
        "What readers would see change:"
    ),
    "correction.proposed": "Correction of {date}; what readers would see change:",
    "correction.count": "Applying it edits {messages} delivered messages ({chats} readers).",
    "correction.count_in_flight": (
        "{count} more readers are being pushed right now; they get the "
        "corrected version or an edit after."
    ),
    "correction.no_changes": "This version of {date} shows readers nothing different.",
    "correction.button.apply": "Apply",
    "correction.button.ignore": "Ignore",
    "correction.button.confirm": "Confirm, edit messages",
    "correction.button.confirm_notify": "Confirm and notify readers",
    "correction.button.cancel": "Cancel",
    "correction.confirm": (
        "Apply the {date} correction? This edits {messages} messages ({chats} readers)."
    ),
    "correction.applied": (
        "The {date} correction is applied: editing the messages of {chats} readers."
    ),
    "correction.applied_nothing": (
        "The {date} correction is applied; no delivered message needs an edit."
    ),
    "correction.ignored": (
        "This version of {date} is ignored; readers keep seeing the delivered one."
    ),
    "correction.cancelled": "Cancelled; nothing changed.",
    "correction.applying": "Applying the {date} correction…",
    "correction.stale": (
        "This correction was handled already (or a newer version exists); nothing was done."
    ),
    "correction.notice": (
        "Correction: item {items} of the {date} digest was updated; the "
        "message above now shows the corrected text."
    ),
    "correction.usage": (
        "Usage: /correct DATE ITEM, e.g. /correct 2025-07-21 3, then "
        "reply with the new headline (or “summary: ” and the new summary)."
    ),
    "correction.ask": (
        "/correct {date} {item}\nReply to this message with the new headline, "
        "or “summary: ” and the new summary.\nHeadline now: {title}"
    ),
    "correction.no_digest": "There is no digest for {date}.",
    "correction.no_item": "The {date} digest has no item {item}.",
    "correction.empty": "The new text is empty; nothing changed.",
    "render.items": "Items",
    "render.prev": "◀ Previous",
    "render.next": "Next ▶",
    "render.item_position": "Item {number} of {total}",
    # The reader's bot (handlers/, bot/views/): commands, settings, errors.
    "bot.cmd.start": "Subscribe and show the welcome",
    "bot.cmd.today": "Today's digest (/today full for everything)",
    "bot.cmd.item": "One item, e.g. /item 3",
    "bot.cmd.category": "Items of a category, e.g. /category hardware",
    "bot.cmd.categories": "List the categories",
    "bot.cmd.archive": "Earlier digests",
    "bot.cmd.date": "Open a day's digest, e.g. /date 2025-07-21",
    "bot.cmd.unread": "Unread items of the last 7 days",
    "bot.cmd.search": "Search every digest, e.g. /search nvidia",
    "bot.cmd.filter": "Keyword filter, e.g. /filter +openai -musk",
    "bot.cmd.settings": "Push time, time zone, format, categories, language",
    "bot.cmd.time": "Push time, e.g. /time 07:30",
    "bot.cmd.tz": "Time zone, e.g. /tz Europe/Berlin",
    "bot.cmd.format": "Format: /format compact or full",
    "bot.cmd.lang": "Interface language: /lang zh or en",
    "bot.cmd.stop": "Unsubscribe (settings are kept)",
    "bot.cmd.help": "Every command",
    "bot.start.new": (
        "👋 Welcome! Every day at {time} ({tz}) I send you the day's news digest; "
        "you can also read it any time, browse by category and catch up on what you missed."
        "\n\nYou are subscribed. Tap below to read the latest digest, or see /help."
    ),
    "bot.start.resumed": (
        "👋 Welcome back! Your subscription is resumed with your earlier settings: "
        "daily at {time} ({tz})."
    ),
    "bot.start.already": "You are subscribed: daily at {time} ({tz}). /settings changes that.",
    "bot.stop.done": "Unsubscribed: no more pushes. Your settings are kept; /start resumes.",
    "bot.stop.not_subscribed": "You are not subscribed. Send /start to subscribe.",
    "bot.button.today": "📰 Today's digest",
    "bot.button.settings": "⚙️ Settings",
    "bot.button.help": "❓ Help",
    "bot.button.back": "◀ Back to settings",
    "bot.button.share": "↗ Share",
    "bot.today.not_yet": "Today's digest ({today}) is not out yet; here is the latest ({date}):",
    "bot.digest.none": "There is no digest yet. Please check back later.",
    "bot.item.usage": "Usage: /item NUMBER [date], e.g. /item 3 or /item 3 2025-07-21.",
    "bot.item.not_a_number": "“{text}” is not an item number. Usage: /item 3",
    "bot.item.missing": "The {date} digest has {total} items; there is no item {number}.",
    "bot.date.usage": "Usage: /date DATE, e.g. /date 2025-07-21. /archive lists the dates.",
    "bot.date.invalid": (
        "“{text}” is not a date. Try 2025-07-21, 2025-7-21, 7-21, today or yesterday."
    ),
    "bot.date.no_such_month": "“{text}” is not a date: there is no month {month} (1–12).",
    "bot.date.no_such_day": "“{text}” is not a date: month {month} of {year} has {days} days.",
    "bot.date.missing": "There is no digest for {date}. /archive lists the dates there are.",
    "bot.category.usage": "Usage: /category NAME, e.g. /category {example}.",
    "bot.category.unknown": (
        "There is no category “{name}”. Did you mean “{closest}”? Known: {known}"
    ),
    "bot.category.unknown_no_guess": "There is no category “{name}”. Known: {known}",
    "bot.category.header": "{date} · “{category}” · {count} items:",
    "bot.category.header.one": "{date} · “{category}” · {count} item:",
    "bot.category.empty": "The {date} digest has no items in “{category}”.",
    "bot.categories.header": "Categories of {date} (tap one):",
    "bot.categories.row": "{name} ({count})",
    "bot.categories.none": "The {date} digest has no items in any category.",
    "bot.archive.header": "Earlier digests (tap a number to open one):",
    "bot.archive.items": "{count} items",
    "bot.archive.items.one": "{count} item",
    "bot.day.today": "today",
    "bot.day.yesterday": "yesterday",
    "bot.unread.header": "{count} unread in the last {days} days:",
    "bot.unread.none": "You have read everything from the last {days} days 🎉",
    "bot.list.more": "… and {count} more",
    "bot.search.usage": "Usage: /search WORDS, e.g. /search nvidia or /search openai -musk.",
    "bot.search.header": "🔍 “{query}”: {count} items, newest first:",
    "bot.search.header.one": "🔍 “{query}”: {count} item:",
    "bot.search.none": "Nothing in the digests matches “{query}”.",
    "bot.filter.usage": (
        "You have no keyword filter. Usage: /filter +openai -musk (+ a word an item must "
        "hold, any one will do; - a word it must not; any case)."
    ),
    "bot.filter.current": (
        "Your filter: {rules}.\n/filter +word -word sets a new one, /filter off removes it."
    ),
    "bot.filter.saved": (
        "Filter saved: {rules}.\nThe push and /today show only the items that match; "
        "/filter off removes it."
    ),
    "bot.filter.cleared": "Filter removed: the push and /today show every item.",
    "bot.filter.categories": "categories: {words}",
    "bot.filter.separator": ", ",
    "bot.filter.include": "any of {words}",
    "bot.filter.exclude": "none of {words}",
    "bot.filter.joiner": "; ",
    "bot.filter.none": "none",
    "bot.filter.note": "{shown} of {total} items match your filter ({rules}).",
    "bot.filter.nothing": ("None of the {total} items of {date} match your filter ({rules})."),
    "bot.filter.show_all": "📋 Show all",
    "bot.filter.empty_term": "“{sign}” has no word after it. Usage: /filter +openai -musk",
    "bot.filter.too_long": "“{term}…” is too long: at most {limit} characters a word.",
    "bot.filter.too_many": "Too many words: at most {limit}.",
    "bot.unread.mark_all": "✅ Mark all read",
    "bot.unread.marked": "Marked {count} items as read.",
    "bot.unread.marked.one": "Marked {count} item as read.",
    "bot.settings.header": (
        "⚙️ Settings\nPush time: {time}\nTime zone: {tz}\nFormat: {format}\n"
        "Categories: {categories}\nKeywords: {keywords}\nLanguage: {language}\n"
        "Subscription: {status}"
    ),
    "bot.settings.status.active": "active",
    "bot.settings.status.paused": "paused (/start resumes)",
    "bot.settings.status.none": "not subscribed (/start subscribes)",
    "bot.settings.format.compact": "compact (headlines + buttons)",
    "bot.settings.format.full": "full (every summary)",
    "bot.settings.categories.all": "all",
    "bot.settings.language.name": "English",
    "bot.settings.button.time": "🕗 Push time",
    "bot.settings.button.tz": "🌐 Time zone",
    "bot.settings.button.format": "📄 Switch format",
    "bot.settings.button.categories": "🏷 Categories",
    "bot.settings.button.language": "🌍 中文",
    "bot.settings.time.prompt": "Pick a push time, or send /time HH:MM (e.g. /time 07:30):",
    "bot.settings.tz.prompt": "Pick a time zone, or send /tz NAME (e.g. /tz Europe/Berlin):",
    "bot.settings.categories.prompt": "Pick the categories you want (none picked = all):",
    "bot.settings.need_start": "Please send /start to subscribe first, then change your settings.",
    "bot.time.usage": "Usage: /time HH:MM, e.g. /time 07:30.",
    "bot.time.invalid": "“{text}” is not a time; use HH:MM (00:00–23:59), e.g. /time 07:30.",
    "bot.time.saved": "Push time is now {time} ({tz}) every day.",
    "bot.tz.usage": "Usage: /tz ZONE, e.g. /tz Asia/Shanghai, /tz UTC+8 or /tz Berlin.",
    "bot.tz.invalid": (
        "“{text}” is not a time zone. Send an IANA name (Asia/Shanghai), a UTC offset "
        "(UTC+8) or a city (Berlin)."
    ),
    "bot.tz.saved": "Time zone is now {tz}; pushes come at {time}.",
    "bot.tz.fixed_offset": (
        "{offset} is a fixed UTC offset, saved as {tz} (IANA's Etc names flip the sign); it "
        "ignores daylight saving time. To follow it, send a city, e.g. /tz Berlin."
    ),
    "bot.tz.suggest_one": "Did you mean the time zone {zone} for “{text}”? Tap to save it:",
    "bot.tz.suggest": "“{text}” is not a time zone name. Which one did you mean? Tap to save it:",
    "bot.format.usage": "Usage: /format compact (headlines + buttons) or /format full.",
    "bot.format.saved": "Push format is now: {format}.",
    "bot.lang.usage": "Usage: /lang zh (中文) or /lang en (English).",
    "bot.lang.saved": "The interface language is now English.",
    "bot.help.intro": (
        "I send you a news digest every day; you can also read it any time. Every command:"
    ),
    "bot.unknown_command": "I don't know the command {command}. /help lists them all.",
    "bot.stray_text": "I only understand commands. Try /today for today's digest, or /help.",
    "bot.throttled": "You are sending commands too fast; please wait a few seconds.",
    "bot.callback.invalid": "This button is no longer valid; please send the command again.",
    "bot.callback.other_chat": "This button does not belong to this chat.",
    "bot.error": "Sorry, something went wrong; it has been logged. Please try again shortly.",
    "bot.error.store": "The data is unavailable right now; please try again shortly.",
    # Admin alerts from the digest poller.
    "alert.digest_invalid": "The digest {origin} has errors; it was not stored and is not pushed:",
    "alert.more_problems": "… and {count} more problems",
    "alert.more_problems.one": "… and {count} more problem",
    # Admin alerts from the delivery engine.
    "alert.push_failed": (
        "Push {push} could not deliver some messages (first: {chat}, {error}). They are in "
        "the dead-letter stream; this alert is sent once per push."
    ),
}

ZH.update(ADMIN_ZH)
EN.update(ADMIN_EN)
CATALOGUES: dict[str, dict[str, str]] = {"zh": ZH, "en": EN}


def normalize_language(lang: str | None) -> str:
    """The supported language ``lang`` names (``en-US`` → ``en``), else the default."""
    if not lang:
        return DEFAULT_LANGUAGE
    base = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in CATALOGUES else DEFAULT_LANGUAGE


# Placeholders that echo what a reader typed (``{text}``, ``{name}``, ``{command}``,
# ``{query}``): ``t`` cuts their values to QUOTE_LIMIT characters, so a 4,000-character
# argument can never make the answer itself too long for Telegram (4,096) or flood the
# chat.
QUOTED_PLACEHOLDERS = frozenset({"text", "name", "command", "query"})
QUOTE_LIMIT = 64
ELLIPSIS = "…"


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when cut; never inside
    a user-perceived character (an accent, an emoji sequence, a flag)."""
    # Imported here: bot.render's messages use this module's strings.
    from bot.render.graphemes import is_boundary

    if len(text) <= limit:
        return text
    end = limit - len(ELLIPSIS)
    while end > 0 and not is_boundary(text, end):
        end -= 1
    return text[:end] + ELLIPSIS


def t(lang: str, key: str, **params: object) -> str:
    """The string ``key`` in ``lang`` (unknown languages fall back to Chinese), formatted.

    A key missing from a language falls back to Chinese; a key missing from Chinese is a
    programming error and raises ``KeyError``. With ``count=1``, the singular
    ``<key>.one`` is used where there is one ("1 item", not "1 items"). What a reader
    typed (``QUOTED_PLACEHOLDERS``) is cut with ``quote``.
    """
    catalogue = CATALOGUES[normalize_language(lang)]
    if params.get("count") == 1 and f"{key}.one" in catalogue:
        key = f"{key}.one"
    template = catalogue.get(key)
    if template is None:
        template = ZH[key]
    if not params:
        return template
    cut = {
        name: quote(value) if name in QUOTED_PLACEHOLDERS and isinstance(value, str) else value
        for name, value in params.items()
    }
    return template.format(**cut)


def plural(count: int, noun: str, many: str | None = None) -> str:
    """An English count for operators' output: ``1 subscriber``, ``2 subscribers``
    (``many`` for a plural that is not ``noun`` + s: ``2 deliveries``)."""
    return f"{count} {noun}" if count == 1 else f"{count} {many or noun + 's'}"
