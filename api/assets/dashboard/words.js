// Every visible string of the dashboard, in Vietnamese and English, and how numbers and levels
// are written in each.

import { state } from './state.js';

export const WORDS = {
  vi: {
    title: 'Xếp hạng mức độ chính quyền điện tử',
    subtitle: 'Năm nay kết quả thế nào, và đơn vị nào thay đổi thứ hạng',
    year: 'Năm',
    compare: 'So sánh với năm',
    tier: 'Cấp',
    index: 'Bộ chỉ số',
    jurisdiction: 'Địa phương',
    formerly: 'trước đây',
    langButton: 'EN',
    tiers: {
      PROVINCIAL: 'Cơ quan chuyên môn thuộc UBND tỉnh',
      DISTRICT: 'UBND cấp huyện',
      COMMUNE: 'UBND cấp xã',
      PROVINCE: 'Tỉnh, thành phố trực thuộc trung ương',
      MINISTRY: 'Bộ, cơ quan ngang bộ',
    },
    indexes: {
      'cqdt-results': 'Mức độ kết quả CQĐT',
      'cqdt-readiness': 'Mức độ điều kiện sẵn sàng',
      dti: 'Chỉ số chuyển đổi số (DTI)',
    },
    noYears: '(chưa có dữ liệu)',
    levels: { I: 'Mức độ I', II: 'Mức độ II', III: 'Mức độ III', IV: 'Mức độ IV', NOT_ACHIEVED: 'Chưa đạt' },
    levelsTitle: 'Phân bố mức độ theo năm',
    slopeTitle: 'Thay đổi thứ hạng',
    tableTitle: 'Bảng xếp hạng như đã công bố',
    tableNote: '⚠: giá trị công bố khác giá trị tính lại từ số điểm công bố (rê chuột để xem). Chữ nghiêng: không công bố, giá trị tính lại.',
    moversTitle: 'Tăng, giảm hạng nhiều nhất',
    transitionsTitle: 'Chuyển mức độ',
    seriesTitle: 'Kết quả qua các năm',
    seriesHint: 'Chọn tên một đơn vị (trong bảng hoặc biểu đồ thứ hạng) để xem kết quả của đơn vị qua các năm.',
    close: 'Đóng',
    headers: [
      'STT', 'Tên đơn vị', 'Điểm tối đa', 'Số điểm không đưa vào đánh giá',
      'Số điểm tối đa cần thực hiện', 'Số điểm thực hiện', 'Tỷ lệ thực hiện',
      'Số điểm thực hiện được quy đổi', 'Xếp hạng Mức độ', 'Điểm chỉ số',
    ],
    headline: 'Năm {year}, {tier}: {count} đơn vị, tỷ lệ thực hiện trung bình {mean}%; {top} đơn vị đạt {best}.',
    headlineCount: 'Năm {year}, {tier}: {count} đơn vị được xếp hạng.',
    noLevels: 'không phân mức',
    merged: 'Hợp nhất, chia tách hoặc đổi tên: nét đứt nối đơn vị cũ với đơn vị mới',
    headlineNone: 'Năm {year}, {tier}: chưa có kết quả.',
    noData: 'Chưa có kết quả năm {year} cho cấp này.',
    noIndexData: 'Bộ chỉ số này chưa có kết quả.',
    noCompare: 'Chưa có kết quả năm {year} của cấp này để so sánh. Khi có, thay đổi thứ hạng sẽ hiện ở đây.',
    sameYear: 'Chọn một năm khác để so sánh.',
    up: 'Tăng hạng',
    down: 'Giảm hạng',
    none: 'Không có',
    rank: 'hạng',
    of: 'trên',
    units: 'đơn vị',
    newAgency: 'Mới',
    dropped: 'Không còn',
    fromTo: 'Từ {from} (hàng) sang {to} (cột)',
    differs: 'Giá trị công bố {published}, tính lại {recomputed}',
    computed: 'Không công bố; đây là giá trị tính lại',
    live: {
      connecting: 'Đang kết nối cập nhật trực tiếp…',
      connected: '● Cập nhật trực tiếp',
      reconnecting: 'Mất kết nối, thử lại sau {s} giây',
    },
    updated: 'Cập nhật lúc {time}',
    error: 'Không tải được dữ liệu: {message}',
  },
  en: {
    title: 'E-government level ranking',
    subtitle: 'How did we do this year, and who moved',
    year: 'Year',
    compare: 'Compare with',
    tier: 'Tier',
    index: 'Index',
    jurisdiction: 'Jurisdiction',
    formerly: 'formerly',
    langButton: 'VI',
    tiers: {
      PROVINCIAL: 'Provincial departments',
      DISTRICT: 'District people’s committees',
      COMMUNE: 'Commune people’s committees',
      PROVINCE: 'Provinces and centrally-run cities',
      MINISTRY: 'Ministries',
    },
    indexes: {
      'cqdt-results': 'E-government results',
      'cqdt-readiness': 'E-government readiness',
      dti: 'Digital transformation index (DTI)',
    },
    noYears: '(no data)',
    levels: { I: 'Level I', II: 'Level II', III: 'Level III', IV: 'Level IV', NOT_ACHIEVED: 'Not achieved' },
    levelsTitle: 'Levels by year',
    slopeTitle: 'Rank movements',
    tableTitle: 'Ranking as published',
    tableNote: '⚠: the published value differs from the one recomputed from the published points (hover to see both). Italics: not published, recomputed.',
    moversTitle: 'Biggest movers',
    transitionsTitle: 'Level transitions',
    seriesTitle: 'Results over the years',
    seriesHint: 'Pick an agency’s name (in the table or the rank chart) to see its results over the years.',
    close: 'Close',
    headers: [
      'Rank', 'Agency', 'Max points', 'Excluded points', 'Required points', 'Achieved points',
      'Rate', 'Converted score', 'Level', 'Score',
    ],
    headline: '{year}, {tier}: {count} agencies, mean rate {mean}%; {top} reached {best}.',
    headlineCount: '{year}, {tier}: {count} ranked.',
    noLevels: 'no levels',
    merged: 'Merged, split or renamed: dashed lines lead from the former units to the new one',
    headlineNone: '{year}, {tier}: no results yet.',
    noData: 'No results for {year} in this tier.',
    noIndexData: 'This index has no results yet.',
    noCompare: 'There are no results for {year} in this tier to compare with yet. Rank movements will show here once there are.',
    sameYear: 'Pick another year to compare with.',
    up: 'Moved up',
    down: 'Moved down',
    none: 'None',
    rank: 'rank',
    of: 'of',
    units: 'agencies',
    newAgency: 'New',
    dropped: 'Dropped',
    fromTo: 'From {from} (rows) to {to} (columns)',
    differs: 'Published {published}, recomputed {recomputed}',
    computed: 'Not published; this is the recomputed value',
    live: {
      connecting: 'Connecting live updates…',
      connected: '● Live',
      reconnecting: 'Disconnected, retrying in {s} s',
    },
    updated: 'Updated at {time}',
    error: 'Could not load the data: {message}',
  },
};

/** The word for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key, values = {}) {
  const text = WORDS[state.lang][key] ?? WORDS.vi[key] ?? key;
  return typeof text === 'string'
    ? text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''))
    : text;
}

/** A level's label: the dictionary's for the usual codes, else the name the API gives. */
export function levelLabel(level) {
  if (!level) return '';
  return WORDS[state.lang].levels[level.code] ?? level.name ?? level.code;
}

/** A decimal string as the language writes it: "85.36" → "85,36" in Vietnamese. */
export function decimal(value) {
  if (value == null) return '';
  return state.lang === 'vi' ? String(value).replace('.', ',') : String(value);
}

/** A decimal string in a form where equal numbers are equal strings: "82.40" → "82.4". */
export function normalDecimal(value) {
  let text = String(value).trim();
  const negative = text.startsWith('-');
  if (negative) text = text.slice(1);
  let [whole, fraction = ''] = text.split('.');
  whole = whole.replace(/^0+(?=\d)/, '');
  fraction = fraction.replace(/0+$/, '');
  const body = fraction ? `${whole}.${fraction}` : whole;
  return negative && body !== '0' ? `-${body}` : body;
}

