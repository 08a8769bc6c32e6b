"""Chinese personal and company names, drawn at random but reproducibly."""

from __future__ import annotations

import numpy as np

from guifan.demo.common import Strs

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰辉鹏飞斌宇浩凯健俊帆帅旭晨阳欣怡婷雪琳晶颖倩佳慧"
    "思雨梦瑶子涵博文嘉豪宏志海波建国红梅春燕秀云丹萍莉琴蕾薇琪璐楠爽丰瑞祥龙峰毅坤翔振晓东"
)


def person_names(rng: np.random.Generator, n: int) -> Strs:
    """``n`` Chinese personal names: a common surname and one or two given-name characters."""
    surname_weights = np.linspace(3.0, 0.5, len(SURNAMES))
    surnames = np.asarray(list(SURNAMES))[rng.choice(len(SURNAMES), size=n, p=surname_weights / surname_weights.sum())]
    given = np.asarray(list(GIVEN))
    first = given[rng.integers(0, len(given), size=n)]
    second = np.where(rng.random(n) < 0.7, given[rng.integers(0, len(given), size=n)], "")
    return np.char.add(np.char.add(surnames, first), second)


CITIES = (
    "上海",
    "苏州",
    "昆山",
    "无锡",
    "宁波",
    "杭州",
    "嘉兴",
    "南通",
    "常州",
    "合肥",
    "东莞",
    "佛山",
    "天津",
    "青岛",
)
WORDS = ("宏达", "鑫源", "华盛", "永信", "恒通", "金辉", "博远", "精诚", "润丰", "瑞祥", "德力", "汇川", "联创", "天成")


def company_names(rng: np.random.Generator, n: int, trades: tuple[str, ...], *, distinct: bool = True) -> Strs:
    """``n`` company names like 苏州鑫源精密五金有限公司 (distinct from each other unless told otherwise)."""
    combos = np.array(
        [f"{c}{w}{t}有限公司" for c in CITIES for w in WORDS for t in trades],
        dtype=np.str_,
    )
    return combos[rng.choice(len(combos), size=n, replace=not distinct)]
