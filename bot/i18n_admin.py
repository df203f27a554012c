"""The admin side's interface strings (broadcasts, /whoami, /audit), kept apart from the
readers' so each area's strings stay together; ``bot.i18n`` merges them into its
catalogues (same keys and placeholders in every language, checked by tests/test_i18n.py).
"""

from __future__ import annotations

ADMIN_ZH: dict[str, str] = {
    "bot.cmd.broadcast": "群发消息：/broadcast 文本（或回复一条消息），/broadcast status|cancel",
    "bot.cmd.audit": "最近的管理操作",
    "bot.cmd.whoami": "你的用户 ID 和聊天 ID",
    "bot.whoami": (
        "你的用户 ID：{user}\n这个聊天的 ID：{chat}\n（管理员需要把用户 ID 写进 ADMIN_IDS。）"
    ),
    "bot.audit.empty": "审计日志还是空的。",
    "bot.audit.header": "最近 {count} 条管理操作（最新在前）：",
    "bot.audit.line": "{at} · {who} · {action} · {outcome} {details}",
    "bot.admin.broadcast.usage": (
        "用法：/broadcast [lang=zh|en] [category=分类] 文本，或回复一条消息发送 /broadcast；"
        "/broadcast status 查看进度，/broadcast cancel 取消。"
    ),
    "bot.admin.broadcast.invalid_html": "这段文本 Telegram 无法显示，没有发送：{reason}",
    "bot.admin.broadcast.bad_lang": "「{text}」不是支持的语言（zh 或 en）。",
    "bot.admin.broadcast.none": "还没有群发。",
    "bot.admin.broadcast.unknown": "这次群发已不存在（过期或从未创建）。",
    "bot.admin.broadcast.not_draft": "这次群发已经{state}，不会重复发送。",
    "bot.admin.broadcast.not_running": "这次群发已经{state}，没有可以取消的。",
    "bot.admin.broadcast.preview": "以上是读者将看到的消息。",
    "bot.admin.broadcast.confirm": "发送给 {audience} 位读者{filters}？",
    "bot.admin.broadcast.filters": "（语言：{language}，分类：{category}）",
    "bot.admin.broadcast.any": "全部",
    "bot.admin.broadcast.send": "✅ 发送",
    "bot.admin.broadcast.cancel": "✖ 取消",
    "bot.admin.broadcast.cancelled": "群发 {broadcast} 已取消。",
    "bot.admin.broadcast.status": (
        "群发 {broadcast}：{state}\n已发送 {sent} · 失败 {failed} · 已屏蔽 {blocked} · "
        "跳过 {skipped}（{handled}/{total}）\n速度 {rate}/秒 · 预计还需 {eta}"
    ),
    "bot.admin.broadcast.state.draft": "等待确认",
    "bot.admin.broadcast.state.sending": "发送中",
    "bot.admin.broadcast.state.done": "已完成",
    "bot.admin.broadcast.state.cancelled": "已取消",
    "bot.cmd.stats": "统计：订阅者、某天的推送、每条的阅读率，如 /stats 2025-07-21",
    "bot.stats.none": "没有 {date} 的简报。",
    "bot.stats.header": "{date} 的统计",
    "bot.stats.subscribers": (
        "订阅者：活跃 {active} · 暂停 {paused} · 退订 {stopped} · 已屏蔽 {blocked}"
    ),
    "bot.stats.languages": "活跃订阅者的语言：{languages}",
    "bot.stats.push": (
        "推送：已送达 {delivered} · 失败 {failed} · 已屏蔽 {blocked} · 待送 {pending}"
    ),
    "bot.stats.items": "每条的阅读（打开过的读者，占已送达的比例）：",
    "bot.stats.item": "{number}. {title} — {reads}（{percent}）",
    "bot.stats.trend": "最近 7 期：",
    "bot.stats.day": "{date}：送达 {delivered} · 打开 {reads}",
    "bot.cmd.push": "立即推送某天的简报（先确认），如 /push 2025-07-21",
    "bot.cmd.preview": "读者将收到的消息（简洁版和全文版），如 /preview 2025-07-21",
    "bot.admin.confirm.used": "这个按钮已经用过或已过期，什么也没做。",
    "bot.admin.push.offer": "现在把 {date} 的简报推送给 {audience} 位还没收到的活跃读者？",
    "bot.admin.push.confirm": "✅ 推送",
    "bot.admin.push.drop": "✖ 取消",
    "bot.admin.push.dropped": "已取消，没有推送。",
    "bot.admin.push.status": (
        "推送 {date}：{state}\n已发送 {sent} · 失败 {failed} · 已屏蔽 {blocked} · "
        "跳过 {skipped}（{handled}/{total}）\n速度 {rate}/秒 · 预计还需 {eta}"
    ),
    "bot.admin.preview.compact": "{date} · 简洁版（一条消息）：",
    "bot.admin.preview.full": "全文版（{count} 条消息）：",
    "bot.admin.preview.full.one": "全文版（{count} 条消息）：",
    "bot.cmd.digests": "简报列表；/digests remove 日期 删除误发的一期",
    "bot.digests.none": "还没有保存任何简报。",
    "bot.digests.header": "简报（最新在前）：",
    "bot.digests.row": "{date} · {title} · {items} 条 · {versions} 个版本 · 送达 {delivered}",
    "bot.digests.removed_header": "已删除：",
    "bot.digests.removed_row": "{date} · 版本 {version} · 删除者 {who}",
    "bot.admin.digests.usage": "用法：/digests 列出简报，/digests remove 日期 删除一期。",
    "bot.admin.digests.confirm": (
        "删除 {date} 的简报？读者已收到的消息不受影响，存档会保留这个版本。"
    ),
    "bot.admin.digests.remove": "🗑 删除",
    "bot.admin.digests.keep": "✖ 保留",
    "bot.admin.digests.removed": "{date} 的简报已删除（版本 {version} 保留在存档中）。",
    "bot.admin.digests.kept": "没有删除任何内容。",
    "bot.cmd.channels": "发布简报的频道和群组：/channels add|remove @名称",
    "bot.admin.channels.usage": (
        "用法：/channels 列出频道；/channels add @名称（或群组 ID）[HH:MM] [compact|full] [zh|en] "
        "连接一个频道或群组；/channels remove @名称 断开。"
    ),
    "bot.admin.channels.none": "还没有连接任何频道或群组。用 /channels add @名称 连接一个。",
    "bot.admin.channels.header": "发布简报的频道和群组：",
    "bot.admin.channels.row": (
        "{name} · {title} · 每天 {time}（{zone}）· {format} · {language} · {status} · "
        "上次发布：{last}"
    ),
    "bot.admin.channels.never": "还没有",
    "bot.admin.channels.active": "发布中",
    "bot.admin.channels.paused": "已暂停：{reason}",
    "bot.admin.channels.added": (
        "已连接 {channel}（{title}）：每天 {time}（{zone}）发布当天的简报，"
        "{format} 格式，语言 {language}。"
    ),
    "bot.admin.channels.not_found": (
        "找不到 {channel}。请检查名称；私有频道或群组请用它的 ID（如 -1001234567890），"
        "并先把机器人加进去。"
    ),
    "bot.admin.channels.not_admin": (
        "机器人不是 {channel} 的管理员。请把机器人添加为管理员（允许发布消息），然后再试一次。"
    ),
    "bot.admin.channels.cannot_post": (
        "机器人是 {channel} 的管理员，但没有发布消息的权限。"
        "请在管理员设置里打开「发布消息」，然后再试一次。"
    ),
    "bot.admin.channels.private": "{channel} 是私聊，不是频道或群组。",
    "bot.admin.channels.subscribed": (
        "{channel} 已作为读者订阅（有人在那里发了 /start）。请先在那里发送 /stop，再连接。"
    ),
    "bot.admin.channels.unknown": "{channel} 没有连接。/channels 列出已连接的频道。",
    "bot.admin.channels.confirm": "断开 {channel}？之后不再向它发布简报（已发布的消息保留）。",
    "bot.admin.channels.remove": "🗑 断开",
    "bot.admin.channels.keep": "✖ 保留",
    "bot.admin.channels.removed": "已断开 {channel}，不再向它发布简报。",
    "bot.admin.channels.kept": "没有断开任何频道。",
    "bot.admin.channels.reason.kicked": "机器人被移出了频道",
    "bot.admin.channels.reason.cannot_post": "机器人失去了发布消息的权限",
    "bot.admin.channels.reason.refused": "Telegram 拒绝了发布（机器人不再是可以发布的管理员）",
    "alert.channel_paused": (
        "⚠️ 已暂停向 {channel} 发布简报：{reason}。把机器人重新设为可以发布消息的管理员后，"
        "发送 /channels add {channel} 恢复。"
    ),
}

ADMIN_EN: dict[str, str] = {
    "bot.cmd.broadcast": "Broadcast: /broadcast TEXT (or reply to a message), status, cancel",
    "bot.cmd.audit": "Recent admin actions",
    "bot.cmd.whoami": "Your user id and chat id",
    "bot.whoami": (
        "Your user id: {user}\nThis chat's id: {chat}\n(An admin's user id goes into ADMIN_IDS.)"
    ),
    "bot.audit.empty": "The audit log is empty.",
    "bot.audit.header": "The last {count} admin actions (newest first):",
    "bot.audit.line": "{at} · {who} · {action} · {outcome} {details}",
    "bot.admin.broadcast.usage": (
        "Usage: /broadcast [lang=zh|en] [category=NAME] TEXT, or reply to a message with "
        "/broadcast; /broadcast status shows progress, /broadcast cancel stops it."
    ),
    "bot.admin.broadcast.invalid_html": (
        "Telegram cannot show this text; nothing was sent: {reason}"
    ),
    "bot.admin.broadcast.bad_lang": "“{text}” is not a supported language (zh or en).",
    "bot.admin.broadcast.none": "There is no broadcast yet.",
    "bot.admin.broadcast.unknown": "This broadcast no longer exists (expired or never made).",
    "bot.admin.broadcast.not_draft": "This broadcast is {state} already; it is not sent again.",
    "bot.admin.broadcast.not_running": "This broadcast is {state}; there is nothing to cancel.",
    "bot.admin.broadcast.preview": "Above is the message readers will get.",
    "bot.admin.broadcast.confirm": "Send it to {audience} readers{filters}?",
    "bot.admin.broadcast.filters": " (language: {language}, category: {category})",
    "bot.admin.broadcast.any": "all",
    "bot.admin.broadcast.send": "✅ Send",
    "bot.admin.broadcast.cancel": "✖ Cancel",
    "bot.admin.broadcast.cancelled": "Broadcast {broadcast} is cancelled.",
    "bot.admin.broadcast.status": (
        "Broadcast {broadcast}: {state}\nsent {sent} · failed {failed} · blocked {blocked} · "
        "skipped {skipped} ({handled}/{total})\nrate {rate}/s · ETA {eta}"
    ),
    "bot.admin.broadcast.state.draft": "waiting for Send",
    "bot.admin.broadcast.state.sending": "sending",
    "bot.admin.broadcast.state.done": "done",
    "bot.admin.broadcast.state.cancelled": "cancelled",
    "bot.cmd.stats": "Statistics: subscribers, a day's push, reads per item (/stats DATE)",
    "bot.stats.none": "There is no digest of {date}.",
    "bot.stats.header": "Statistics of {date}",
    "bot.stats.subscribers": (
        "Subscribers: active {active} · paused {paused} · stopped {stopped} · blocked {blocked}"
    ),
    "bot.stats.languages": "Languages of the active ones: {languages}",
    "bot.stats.push": (
        "Push: delivered {delivered} · failed {failed} · blocked {blocked} · pending {pending}"
    ),
    "bot.stats.items": "Reads per item (readers who opened it, share of delivered):",
    "bot.stats.item": "{number}. {title} — {reads} ({percent})",
    "bot.stats.trend": "The last 7 digests:",
    "bot.stats.day": "{date}: delivered {delivered} · opened {reads}",
    "bot.cmd.push": "Push a day's digest now (after a confirmation): /push DATE",
    "bot.cmd.preview": "What readers get, compact and full: /preview DATE",
    "bot.admin.confirm.used": "This button was used already or has expired; nothing was done.",
    "bot.admin.push.offer": (
        "Push the digest of {date} now to {audience} active readers who do not have it?"
    ),
    "bot.admin.push.confirm": "✅ Push",
    "bot.admin.push.drop": "✖ Cancel",
    "bot.admin.push.dropped": "Cancelled; nothing was pushed.",
    "bot.admin.push.status": (
        "Push {date}: {state}\nsent {sent} · failed {failed} · blocked {blocked} · "
        "skipped {skipped} ({handled}/{total})\nrate {rate}/s · ETA {eta}"
    ),
    "bot.admin.preview.compact": "{date} · compact (one message):",
    "bot.admin.preview.full": "Full ({count} messages):",
    "bot.admin.preview.full.one": "Full ({count} message):",
    "bot.cmd.digests": "Stored digests; /digests remove DATE for one published by mistake",
    "bot.digests.none": "No digest is stored.",
    "bot.digests.header": "Digests (newest first):",
    "bot.digests.row": (
        "{date} · {title} · {items} items · {versions} versions · delivered to {delivered}"
    ),
    "bot.digests.removed_header": "Removed:",
    "bot.digests.removed_row": "{date} · version {version} · removed by {who}",
    "bot.admin.digests.usage": "Usage: /digests lists them, /digests remove DATE removes one.",
    "bot.admin.digests.confirm": (
        "Remove the digest of {date}? What readers received stays; the archive keeps this version."
    ),
    "bot.admin.digests.remove": "🗑 Remove",
    "bot.admin.digests.keep": "✖ Keep",
    "bot.admin.digests.removed": "The digest of {date} is removed (version {version} is kept).",
    "bot.admin.digests.kept": "Nothing was removed.",
    "bot.cmd.channels": "Channels and groups the digest is posted to: /channels add|remove @name",
    "bot.admin.channels.usage": (
        "Usage: /channels lists them; /channels add @name (or a group's id) [HH:MM] "
        "[compact|full] [zh|en] connects a channel or group; /channels remove @name "
        "disconnects it."
    ),
    "bot.admin.channels.none": (
        "No channel or group is connected. Connect one with /channels add @name."
    ),
    "bot.admin.channels.header": "Channels and groups the digest is posted to:",
    "bot.admin.channels.row": (
        "{name} · {title} · daily at {time} ({zone}) · {format} · {language} · {status} · "
        "last post: {last}"
    ),
    "bot.admin.channels.never": "none yet",
    "bot.admin.channels.active": "posting",
    "bot.admin.channels.paused": "paused: {reason}",
    "bot.admin.channels.added": (
        "Connected {channel} ({title}): the day's digest is posted there daily at {time} "
        "({zone}), {format} format, in {language}."
    ),
    "bot.admin.channels.not_found": (
        "{channel} was not found. Check the name; for a private channel or group use its id "
        "(like -1001234567890), and add the bot there first."
    ),
    "bot.admin.channels.not_admin": (
        "The bot is not an administrator of {channel}. Add the bot as an administrator "
        "allowed to post messages, then try again."
    ),
    "bot.admin.channels.cannot_post": (
        "The bot is an administrator of {channel} but may not post messages. Turn on "
        '"Post messages" in its administrator rights, then try again.'
    ),
    "bot.admin.channels.private": "{channel} is a private chat, not a channel or group.",
    "bot.admin.channels.subscribed": (
        "{channel} is subscribed as a reader (someone sent /start there). Send /stop there "
        "first, then connect it."
    ),
    "bot.admin.channels.unknown": "{channel} is not connected. /channels lists the connected ones.",
    "bot.admin.channels.confirm": (
        "Disconnect {channel}? The digest is no longer posted there (what was posted stays)."
    ),
    "bot.admin.channels.remove": "🗑 Disconnect",
    "bot.admin.channels.keep": "✖ Keep",
    "bot.admin.channels.removed": "Disconnected {channel}: the digest is no longer posted there.",
    "bot.admin.channels.kept": "Nothing was disconnected.",
    "bot.admin.channels.reason.kicked": "the bot was removed from it",
    "bot.admin.channels.reason.cannot_post": "the bot lost the right to post messages",
    "bot.admin.channels.reason.refused": (
        "Telegram refused the post (the bot is no longer an administrator that may post)"
    ),
    "alert.channel_paused": (
        "⚠️ Posting the digest to {channel} is paused: {reason}. Make the bot an "
        "administrator allowed to post again, then send /channels add {channel} to resume."
    ),
}
