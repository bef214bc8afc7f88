//! The national ranking after the 2025 reorganisation, as tests publish it.

/// The 34 units of `provinces-2025.csv` as a DTI-like rank-only table of 2025, ranked in the
/// order given; cities printed "TP. ...", as the ministry's tables print them.
pub fn rank_table_2025() -> String {
    let units = [
        "TP. Hà Nội",
        "TP. Hồ Chí Minh",
        "TP. Đà Nẵng",
        "Huế",
        "TP. Hải Phòng",
        "Quảng Ninh",
        "Bắc Ninh",
        "TP. Cần Thơ",
        "Lạng Sơn",
        "Thái Nguyên",
        "Ninh Bình",
        "Phú Thọ",
        "Hưng Yên",
        "Lào Cai",
        "Tuyên Quang",
        "Thanh Hóa",
        "Nghệ An",
        "Hà Tĩnh",
        "Quảng Trị",
        "Quảng Ngãi",
        "Gia Lai",
        "Khánh Hòa",
        "Lâm Đồng",
        "Đắk Lắk",
        "Đồng Nai",
        "Tây Ninh",
        "Vĩnh Long",
        "Đồng Tháp",
        "Cà Mau",
        "An Giang",
        "Lai Châu",
        "Điện Biên",
        "Sơn La",
        "Cao Bằng",
    ];
    let mut table = String::from("Xếp hạng DTI,Tỉnh thành phố\n");
    for (rank, unit) in (1..).zip(units) {
        table.push_str(&format!("{rank},{unit}\n"));
    }
    table
}
